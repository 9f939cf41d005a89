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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * What Kafka's application reset tool does, for a stopped Streams application: its committed input
 * offsets set to the beginning of each partition (or to the first record at or after a time), every
 * other offset it committed forgotten, and its internal topics (changelogs, repartition topics)
 * deleted, so that on its next start it rebuilds every store from its inputs. Its local state is
 * the caller's to wipe ({@code KafkaStreams.cleanUp()}).
 */
public final class StreamsReset {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private StreamsReset() {
    }

    /**
     * Where a rebuild starts and the end of the log it must reach: each input partition's offset at
     * the reset, and its end offset then.
     */
    public record Target(String applicationId, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        public Target {
            start = Map.copyOf(start);
            end = Map.copyOf(end);
        }

        /** Records between the start and the end: what the rebuild takes in. */
        public long records() {
            return end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - start.get(e.getKey()))).sum();
        }

        /** How many of those the application has committed, read from its consumer group. */
        public long progress(KafkaSettings kafka) {
            try (Admin admin = admin(kafka)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                long done = 0;
                for (var e : end.entrySet()) {
                    OffsetAndMetadata at = committed.get(e.getKey());
                    long from = start.get(e.getKey());
                    done += Math.max(0, Math.min(e.getValue(), at == null ? from : at.offset()) - from);
                }
                return done;
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(applicationId + ": its offsets could not be read: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Resets the stopped application {@code applicationId}, whose group reads {@code inputs} and which
     * made {@code internal} (those that exist are deleted); {@code from} empty: from the beginning.
     */
    public static Target reset(KafkaSettings kafka, String applicationId, Set<String> inputs, Set<String> internal, Optional<Instant> from) {
        try (Admin admin = admin(kafka)) {
            List<TopicPartition> partitions = admin.describeTopics(inputs).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .toList();
            Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> start = offsets(admin, partitions, from.map(t -> OffsetSpec.forTimestamp(t.toEpochMilli()))
                    .orElse(OffsetSpec.earliest()));
            // a time after a partition's last record has no offset (-1): that partition starts at its end
            start.replaceAll((tp, offset) -> offset < 0 ? end.get(tp) : offset);
            try {
                // forgets every offset the group committed, its repartition topics' too; fails while a member is still in it
                admin.deleteConsumerGroups(List.of(applicationId)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            admin.alterConsumerGroupOffsets(applicationId, start.entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(internal::contains).collect(Collectors.toSet());
            if (!existing.isEmpty()) {
                admin.deleteTopics(existing).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                awaitGone(admin, existing);
            }
            return new Target(applicationId, start, end);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(applicationId + " could not be reset: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        var found = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
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

    private static Admin admin(KafkaSettings kafka) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(props);
    }
}
