package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.events.Daemons;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance's own copies of a store — the partitions it runs and the standby copies it keeps, which Kafka
 * Streams queries together as "stale stores" — hold the whole store, fresh enough to answer from.
 *
 * <p>Why copies and not forwarding to the instance that owns a key: several queries read a whole store (a segment's
 * members, every item's statistics for a recommendation, a price test's totals per partition), so forwarding would
 * need a scatter-gather for each of them, and a key's owner moves in every rebalance. With N instances and
 * {@code num.standby.replicas} N − 1, each instance keeps every partition, so each answers every query alone, at the
 * cost of every instance writing every store (fine for the two or three instances a platform like this runs; past
 * that, forwarding is the way). A copy is never silently partial: one that lacks partitions (too few standbys for the
 * instances running) or trails its changelog by more than {@link #MAX_LAG} records (a copy being restored) is refused
 * with {@link InvalidStateStoreException}, which the API answers 503.
 */
final class LocalCopies {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCopies.class);
    /**
     * Records a copy may trail its changelog by and still answer. A standby reads the changelog as transactions commit
     * (every 100 ms under exactly-once), so a live one trails by about a commit interval's writes; a copy being restored
     * trails by up to the whole changelog.
     */
    static final long MAX_LAG = 1_000;
    /** Each look at the lags asks the brokers for the changelogs' end offsets: at most once a second, as Streams advises. */
    private static final long LAGS_EVERY_NANOS = 1_000_000_000L;

    private final String applicationId;
    /** Each queryable store's subtopology and how many partitions it has; stores without a changelog are not here. */
    private final Map<String, Layout> layouts;
    private final LongSupplier nanoTime;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Lags lags;

    record Layout(int subtopology, int partitions) {
    }

    private record Lags(long atNanos, Map<String, Map<Integer, LagInfo>> byStore) {
    }

    /**
     * The copies of a running application: its stores' changelogs are described once (they keep their partitions while
     * it runs) and its lags asked once, so a copy being restored is refused from the first query.
     */
    static LocalCopies of(String applicationId, TopologyDescription topology, KafkaSettings kafka, KafkaStreams streams) {
        var copies = new LocalCopies(applicationId, layouts(applicationId, topology,
                partitions(kafka, StreamsApp.internalTopics(applicationId, topology))::get), System::nanoTime);
        copies.refresh(streams);
        return copies;
    }

    /** Each of {@code topics} that exists with its partitions, asked of the brokers once, when the application first runs. */
    private static Map<String, Integer> partitions(KafkaSettings kafka, Set<String> topics) {
        Map<String, Integer> partitions = new java.util.HashMap<>();
        try (var admin = StreamsReset.admin(kafka)) {
            for (var topic : admin.describeTopics(topics).topicNameValues().entrySet()) {
                try {
                    partitions.put(topic.getKey(), topic.getValue().get(30, TimeUnit.SECONDS).partitions().size());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw new IllegalStateException(topic.getKey() + " could not be described: " + e.getCause(), e);
                    }
                } // a store without a changelog has no topic
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(topics + " could not be described within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return partitions;
    }

    /**
     * Each store of the topology's subtopologies with its changelog's partitions, as {@code partitionsOf} gives them
     * (null for a store without a changelog).
     */
    static Map<String, Layout> layouts(String applicationId, TopologyDescription topology, Function<String, Integer> partitionsOf) {
        Map<String, Layout> layouts = new HashMap<>();
        for (var sub : topology.subtopologies()) {
            for (var node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    for (String store : processor.stores()) {
                        Integer partitions = partitionsOf.apply(applicationId + "-" + store + "-changelog");
                        if (partitions != null) {
                            layouts.put(store, new Layout(sub.id(), partitions));
                        }
                    }
                }
            }
        }
        return layouts;
    }

    LocalCopies(String applicationId, Map<String, Layout> layouts, LongSupplier nanoTime) {
        this.applicationId = applicationId;
        this.layouts = Map.copyOf(layouts);
        this.nanoTime = nanoTime;
    }

    /** Throws {@link InvalidStateStoreException}, naming why, when {@code store}'s local copies cannot answer a query alone. */
    void check(KafkaStreams streams, String store) {
        Layout layout = layouts.get(store);
        if (layout == null) {
            return; // a global store (every instance reads its whole topic), or one without a changelog
        }
        Set<Integer> held = new HashSet<>();
        for (var thread : streams.metadataForLocalThreads()) {
            for (var tasks : java.util.List.of(thread.activeTasks(), thread.standbyTasks())) {
                tasks.stream().filter(t -> t.taskId().subtopology() == layout.subtopology()).forEach(t -> held.add(t.taskId().partition()));
            }
        }
        Map<Integer, Long> behind = new HashMap<>();
        recentLags(streams).map(l -> l.byStore().getOrDefault(store, Map.of()))
                .ifPresent(byPartition -> byPartition.forEach((partition, lag) -> behind.put(partition, lag.offsetLag())));
        problem(store, layout.partitions(), held, behind).ifPresent(p -> {
            throw new InvalidStateStoreException(applicationId + ": " + p);
        });
    }

    /**
     * What keeps the copies from answering: partitions this instance does not hold, or holds too far behind; empty when
     * they can answer. {@code behind} may lack partitions (their lag is not known yet): those are taken as current.
     */
    static Optional<String> problem(String store, int partitions, Set<Integer> held, Map<Integer, Long> behind) {
        if (held.size() < partitions) {
            return Optional.of("this instance holds " + held.size() + " of the " + partitions + " partitions of " + store
                    + " (a rebalance in progress, or more instances than kafka.standbyReplicas + 1); retry shortly");
        }
        long worst = behind.entrySet().stream().filter(e -> held.contains(e.getKey())).mapToLong(Map.Entry::getValue).max().orElse(0);
        if (worst > MAX_LAG) {
            return Optional.of("this instance's copy of " + store + " is " + worst + " records behind (being restored); retry shortly");
        }
        return Optional.empty();
    }

    /**
     * The lags last asked, asked again in the background when a second old: the call waits on the brokers, so with Kafka
     * down a query would wait with it. Until the first answer, and while the brokers cannot be asked, the copies answer
     * from what they hold, as a lone instance always did.
     */
    private Optional<Lags> recentLags(KafkaStreams streams) {
        Lags known = lags;
        if ((known == null || nanoTime.getAsLong() - known.atNanos() >= LAGS_EVERY_NANOS) && refreshing.compareAndSet(false, true)) {
            Daemons.start(applicationId + "-store-lags", () -> refresh(streams));
        }
        return Optional.ofNullable(known);
    }

    /** Asks the lags now; {@link StreamsApp} does once it runs, so a copy being restored is refused from the first query. */
    void refresh(KafkaStreams streams) {
        try {
            lags = new Lags(nanoTime.getAsLong(), streams.allLocalStorePartitionLags());
        } catch (RuntimeException e) {
            LOG.debug("{}: the stores' lags could not be asked: {}", applicationId, e.toString());
        } finally {
            refreshing.set(false);
        }
    }
}
