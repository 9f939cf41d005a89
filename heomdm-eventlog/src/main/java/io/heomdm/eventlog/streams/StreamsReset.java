package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Kafka's application reset tool does, for a stopped Streams application: its committed input
 * offsets set to the beginning of each partition (or to the first record at or after a time), every
 * other offset it committed forgotten, and its internal topics (changelogs, repartition topics)
 * deleted, so that on its next start it rebuilds every store from its inputs. Its local state is
 * the caller's to wipe ({@code KafkaStreams.cleanUp()}). {@link #resetGroup} does the offsets part for
 * a plain consumer group.
 */
public final class StreamsReset {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private StreamsReset() {
    }

    /**
     * Where a rebuild starts and the end of the log it must reach: each input partition's offset at
     * the reset, its end offset then, and the consumer group that reads it.
     */
    public record Target(Map<TopicPartition, String> groups, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        public Target {
            groups = Map.copyOf(groups);
            start = Map.copyOf(start);
            end = Map.copyOf(end);
        }

        /** Several targets as one: a projection that reads each topic in a group of its own. */
        public static Target of(List<Target> parts) {
            Map<TopicPartition, String> groups = new HashMap<>();
            Map<TopicPartition, Long> start = new HashMap<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            parts.forEach(t -> {
                groups.putAll(t.groups());
                start.putAll(t.start());
                end.putAll(t.end());
            });
            return new Target(groups, start, end);
        }

        /** Records between the start and the end: what the rebuild takes in. */
        public long records() {
            return end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - start.get(e.getKey()))).sum();
        }

        /** How many of those the groups have committed. */
        public long progress(KafkaSettings kafka) {
            try (Admin admin = admin(kafka)) {
                Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
                for (String group : Set.copyOf(groups.values())) {
                    committed.putAll(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                }
                long done = 0;
                for (var e : end.entrySet()) {
                    OffsetAndMetadata at = committed.get(e.getKey());
                    long from = start.get(e.getKey());
                    done += Math.max(0, Math.min(e.getValue(), at == null ? from : at.offset()) - from);
                }
                return done;
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(groups.values().stream().distinct().toList() + ": offsets could not be read: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Sets the offsets of the empty consumer group {@code group} on {@code topics} to the beginning or
     * to the first record at or after {@code from}, every other offset it had forgotten.
     */
    public static Target resetGroup(KafkaSettings kafka, String group, Set<String> topics, Optional<Instant> from) {
        try (Admin admin = admin(kafka)) {
            return resetGroup(admin, kafka, group, topics, from);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(group + " could not be reset: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Target resetGroup(Admin admin, KafkaSettings kafka, String group, Set<String> topics, Optional<Instant> from)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
        Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> start = offsets(admin, partitions, from.map(t -> OffsetSpec.forTimestamp(t.toEpochMilli()))
                .orElse(OffsetSpec.earliest()));
        // a time after a partition's last record has no offset (-1): that partition starts at its end
        start.replaceAll((tp, offset) -> offset < 0 ? end.get(tp) : offset);
        end.putAll(afterLastRecords(kafka, start, end));
        try {
            // forgets every offset the group committed, its repartition topics' too; fails while a member is still in it
            admin.deleteConsumerGroups(List.of(group)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
        admin.alterConsumerGroupOffsets(group, start.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return new Target(partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> group)), start, end);
    }

    /**
     * Resets the stopped application {@code applicationId}, whose group reads {@code inputs} and which
     * made {@code internal} (those that exist are deleted); {@code from} empty: from the beginning.
     */
    public static Target reset(KafkaSettings kafka, String applicationId, Set<String> inputs, Set<String> internal, Optional<Instant> from) {
        try (Admin admin = admin(kafka)) {
            Target target = resetGroup(admin, kafka, applicationId, inputs, from);
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(internal::contains).collect(Collectors.toSet());
            if (!existing.isEmpty()) {
                admin.deleteTopics(existing).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                awaitGone(admin, existing);
            }
            return target;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(applicationId + " could not be reset: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Each partition's offset after its last record before {@code end}: a topic written in
     * transactions ends in a commit marker, which a plain consumer, committing what it processed,
     * never commits past. Read back from the end, a little further each time nothing is found.
     */
    private static Map<TopicPartition, Long> afterLastRecords(KafkaSettings kafka, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (var e : end.entrySet()) {
                TopicPartition tp = e.getKey();
                long from = start.get(tp);
                long last = -1;
                for (long back = 1; last < 0 && e.getValue() - back >= from - 1; back *= 16) {
                    consumer.assign(List.of(tp));
                    consumer.seek(tp, Math.max(from, e.getValue() - back));
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (consumer.position(tp) < e.getValue() && System.nanoTime() < deadline) {
                        for (var r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.offset() < e.getValue()) {
                                last = Math.max(last, r.offset());
                            }
                        }
                    }
                    if (e.getValue() - back <= from) {
                        break;
                    }
                }
                ends.put(tp, last < 0 ? from : last + 1);
            }
        }
        return ends;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        // read committed: the end is the last stable offset, not past a transaction still open
        var found = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        found.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** A deleted topic's name can be taken again only once the deletion is done: the application re-creates them as it starts. */
    private static void awaitGone(Admin admin, Set<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream().anyMatch(topics::contains)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("internal topics still being deleted after " + TIMEOUT + ": " + topics);
            }
            Thread.sleep(200);
        }
    }

    /** Members of {@code group} other than the consumers named {@code ours} (this instance's stream threads). */
    static int membersBeside(KafkaSettings kafka, String group, Set<String> ours) {
        try (Admin admin = admin(kafka)) {
            var description = admin.describeConsumerGroups(List.of(group)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(group);
            return (int) description.members().stream().filter(m -> !ours.contains(m.clientId())).count();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(group + ": its group could not be described, so it is not reset: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Admin admin(KafkaSettings kafka) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(props);
    }
}
