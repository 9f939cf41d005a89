package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application with {@code exactly_once_v2}, its stores in RocksDB under
 * {@code stateDir/<applicationId>} and changelogged, so a restart on an empty disk restores them.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private static final int MAX_RESTARTS = 3;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(10);
    private final String applicationId;
    private final Supplier<Topology> topology;
    private final KafkaSettings kafka;
    private final Properties props;
    private final ArrayDeque<Long> replaced = new ArrayDeque<>();
    /** Replaced by a new instance when the application is rebuilt; queries ask whichever runs now. */
    private volatile KafkaStreams streams;
    private volatile boolean resetting;
    /** From a rebuild's start until {@link #caughtUp}: its stores hold part of the log, so they answer nothing. */
    private volatile boolean catchingUp;
    /** Set once the application first runs: from then on a query is refused when this instance's copies cannot answer it. */
    private volatile LocalCopies copies;
    private boolean closed;

    private StreamsApp(String applicationId, Supplier<Topology> topology, KafkaSettings kafka, Properties props) {
        this.applicationId = applicationId;
        this.topology = topology;
        this.kafka = kafka;
        this.props = props;
    }

    /**
     * Loads RocksDB's native library on a thread of its own. Otherwise the first store an application opens does it,
     * after its first rebalance and inside its start (1.8–2.5 s on a 2-core machine: the library is unpacked from its
     * 70 MB jar); called first thing, it is done while the servers start. A library that cannot be loaded is left for
     * that first store to report.
     */
    public static void loadStoresEarly() {
        var loading = new Thread(() -> {
            try {
                RocksDB.loadLibrary();
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                LOG.debug("RocksDB not loaded ahead: {}", e.toString());
            }
        }, "rocksdb-load");
        loading.setDaemon(true);
        loading.start();
    }

    /**
     * Makes the state directory if missing, starts the application and waits until it is running.
     *
     * @param topology builds the application's topology; asked again when it is rebuilt, since a topology is not reused
     */
    public static StreamsApp start(String applicationId, Supplier<Topology> topology, KafkaSettings kafka, Path stateDir, int threads,
            Duration timeout) {
        try {
            // made here, not by Streams: two applications sharing it and starting at once race to create it, and the loser gives up
            java.nio.file.Files.createDirectories(stateDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(applicationId + ": state directory " + stateDir + " cannot be created", e);
        }
        TopicAdmin.ensure(kafka, List.of(deadLetterTopic(applicationId)));
        var props = StreamsProperties.of(applicationId, kafka, stateDir, threads);
        var app = new StreamsApp(applicationId, topology, kafka, props);
        var running = app.startInstance();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                app.close();
                throw new IllegalStateException(applicationId + " did not reach RUNNING within " + timeout + " (state " + app.streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
            throw new IllegalStateException(e);
        }
        app.copies = LocalCopies.of(applicationId, topology.get().describe(), kafka, app.streams);
        return app;
    }

    /** Creates and starts a new instance of the application; the latch opens when it first runs. */
    private CountDownLatch startInstance() {
        var instance = new KafkaStreams(topology.get(), props);
        var running = new CountDownLatch(1);
        var restores = new Restores(applicationId);
        instance.setGlobalStateRestoreListener(restores);
        instance.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                restores.report();
                running.countDown();
            }
        });
        instance.setUncaughtExceptionHandler(e -> {
            // a record's failure never gets here (DeadLetterHandler): this is the thread's own (a broken
            // store, a producer that cannot go on). A new thread starts from the last commit; one that keeps
            // failing is not replaced for ever.
            long now = System.nanoTime();
            synchronized (replaced) {
                replaced.removeIf(at -> now - at > RESTART_WINDOW.toNanos());
                if (replaced.size() < MAX_RESTARTS) {
                    replaced.add(now);
                    LOG.error("{}: a stream thread failed and is replaced ({} of {} in {}): {}", applicationId, replaced.size(), MAX_RESTARTS,
                            RESTART_WINDOW, e.toString(), e);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
                }
            }
            LOG.error("{} stopped: its stream threads failed {} times in {}: {}", applicationId, MAX_RESTARTS, RESTART_WINDOW, e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams = instance;
        instance.start();
        return running;
    }

    /**
     * Rebuilds the application's state from the log: stops it, resets it ({@link StreamsReset}: its
     * input offsets to the beginning or to {@code from}, its internal topics and its local state
     * gone), and starts it again without waiting; {@link StreamsReset.Target#progress} says how far
     * it has read since. Its stores answer nothing until {@link #caughtUp} (the gateway answers 503).
     */
    public synchronized StreamsReset.Target rebuild(Optional<Instant> from) {
        if (closed) {
            throw new IllegalStateException(applicationId + " is closed");
        }
        Set<String> ours = new java.util.HashSet<>();
        streams.metadataForLocalThreads().forEach(t -> ours.add(t.consumerClientId()));
        int elsewhere = StreamsReset.membersBeside(kafka, applicationId, ours);
        if (elsewhere > 0) {
            // the reset deletes the whole group's offsets: with the application running on another instance it fails
            // half-way, after this instance has stopped and emptied its own copy
            throw new IllegalStateException(applicationId + " also runs on another instance (" + elsewhere
                    + " member(s) of its group are not this instance's): a rebuild resets the whole group, so stop it on the other instances first");
        }
        resetting = true;
        catchingUp = true;
        try {
            closeInstance();
            streams.cleanUp();
            var description = topology.get().describe();
            StreamsReset.Target target;
            try {
                target = StreamsReset.reset(kafka, applicationId, inputTopics(description), internalTopics(applicationId, description), from);
            } catch (RuntimeException e) {
                startInstance(); // as it was, restored from its changelogs, rather than stopped for good
                throw e;
            }
            startInstance();
            return target;
        } finally {
            resetting = false;
        }
    }

    /** Called once a rebuild has read up to the end of the log as it was at the reset (or has failed): its stores answer again. */
    public void caughtUp() {
        catchingUp = false;
    }

    /** The topics the application reads through its consumer group: not its global stores' topics (read whole at start), not its own. */
    static Set<String> inputTopics(TopologyDescription topology) {
        Set<String> inputs = new TreeSet<>();
        for (var sub : topology.subtopologies()) {
            for (var node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().stream().filter(t -> !t.endsWith("-repartition")).forEach(inputs::add);
                }
            }
        }
        return inputs;
    }

    /**
     * The topics Streams made for this application: a changelog per store of its subtopologies (global
     * stores have none) and its repartition topics, named from its own topology. Not by prefix: another
     * application's id may begin with this one's ({@code heomdm-analytics-demand}).
     */
    static Set<String> internalTopics(String applicationId, TopologyDescription topology) {
        Set<String> internal = new TreeSet<>();
        for (var sub : topology.subtopologies()) {
            for (var node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> internal.add(applicationId + "-" + store + "-changelog"));
                } else if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().stream().filter(t -> t.endsWith("-repartition")).forEach(t -> internal.add(applicationId + "-" + t));
                } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null && sink.topic().endsWith("-repartition")) {
                    internal.add(applicationId + "-" + sink.topic());
                }
            }
        }
        return internal;
    }

    public String applicationId() {
        return applicationId;
    }

    /** Where the application's failed records go: {@code <applicationId>.dlt}, kept 30 days. */
    public static TopicSpec deadLetterTopic(String applicationId) {
        return new TopicSpec(applicationId + ".dlt", "the failed record's own key", List.of(), 1, TopicSpec.Cleanup.DELETE, Duration.ofDays(30));
    }

    /** A record that fails is dead-lettered and the application goes on ({@link DeadLetterHandler}); topology tests set the same. */
    public static void isolateFailures(Properties props, String applicationId) {
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic(applicationId).name());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    }

    /** Records dead-lettered since this instance started (Streams' {@code dropped-records-total}, summed over its tasks). */
    public long deadLettered() {
        return deadLettered(streams.metrics());
    }

    public static long deadLettered(Map<MetricName, ? extends Metric> metrics) {
        return (long) metrics.entrySet().stream().filter(m -> m.getKey().name().equals("dropped-records-total"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum();
    }

    /** Running, rebalancing, or being rebuilt on purpose (not a failure for /health to report). */
    public boolean isRunning() {
        return resetting || streams.state().isRunningOrRebalancing();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * A store to query, made of this instance's own copies of it: the partitions it runs and its standby copies of the
     * others ({@link LocalCopies}). When they cannot answer alone (partitions missing, a copy being restored), or the
     * application is not running (being rebuilt, stopping, failed), throws {@link InvalidStateStoreException}: the
     * gateway answers 503.
     */
    public <T> T store(StoreQueryParameters<T> query) {
        KafkaStreams current = streams;
        if (catchingUp) {
            throw new InvalidStateStoreException(applicationId + " is being rebuilt from the log");
        }
        try {
            if (copies != null) {
                copies.check(current, query.storeName());
            }
            return current.store(query.enableStaleStores());
        } catch (IllegalStateException e) {
            throw new InvalidStateStoreException(applicationId + " is not running (" + current.state() + ")", e);
        }
    }

    /**
     * Leaves the consumer group as it closes: by default Streams stays in it, so that a rolling bounce
     * does not rebalance twice, but then a restarted lone instance waits out the 45 s session
     * timeout before it gets its partitions back (seen here).
     */
    @Override
    public synchronized void close() {
        closed = true;
        closeInstance();
    }

    private void closeInstance() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
