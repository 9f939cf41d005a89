package io.heomdm.eventlog;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The records parked in a dead-letter topic: what lies between each partition's log start and its
 * end (or, for a replay, from a time). Read without a consumer group (nothing is committed), and deleted by moving the log start
 * ({@code deleteRecords}) once they were handled. Shared by every dead-letter console on Kafka.
 */
public final class ParkedRecords {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Admin admin;
    private final Map<String, Object> consumerProperties;
    private final Map<TopicPartition, Range> ranges;

    private record Range(long start, long end) {
        long size() {
            return end - start;
        }
    }

    private ParkedRecords(Admin admin, Map<String, Object> consumerProperties, Map<TopicPartition, Range> ranges) {
        this.admin = admin;
        this.consumerProperties = consumerProperties;
        this.ranges = ranges;
    }

    /** What {@code topic} holds now; records parked after this call are left for the next. */
    public static ParkedRecords of(Admin admin, String bootstrapServers, Map<String, ?> clientProperties, String topic) {
        return from(admin, bootstrapServers, clientProperties, topic, Optional.empty());
    }

    /**
     * The records of {@code topic} from the first of each partition stamped at or after {@code from}
     * (every record before it is stamped earlier) to its end now; empty {@code from}: from its log start.
     */
    public static ParkedRecords from(Admin admin, String bootstrapServers, Map<String, ?> clientProperties, String topic, Optional<Instant> from) {
        var description = await(admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture(),
                "describe " + topic).get(topic);
        var partitions = description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        var ends = offsets(admin, partitions, OffsetSpec.latest());
        var starts = offsets(admin, partitions, from.map(t -> OffsetSpec.forTimestamp(t.toEpochMilli())).orElse(OffsetSpec.earliest()));
        // no record at or after the time: nothing in that partition
        starts.replaceAll((tp, offset) -> offset < 0 ? ends.get(tp) : offset);
        Map<TopicPartition, Range> ranges = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        partitions.forEach(tp -> ranges.put(tp, new Range(starts.get(tp), ends.get(tp))));
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("enable.auto.commit", false);
        // Kafka Streams writes its dead letters in transactions: only what committed is parked
        props.put("isolation.level", "read_committed");
        return new ParkedRecords(admin, props, ranges);
    }

    public long count() {
        return ranges.values().stream().mapToLong(Range::size).sum();
    }

    /** Reads the parked records, partition by partition, while {@code each} returns true. */
    public void read(Predicate<ConsumerRecord<String, byte[]>> each) {
        try (var consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new ByteArrayDeserializer())) {
            for (var e : ranges.entrySet()) {
                Range range = e.getValue();
                if (range.size() == 0) {
                    continue;
                }
                consumer.assign(List.of(e.getKey()));
                consumer.seek(e.getKey(), range.start());
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                // the position, not the last offset seen: it also steps over transaction markers
                while (consumer.position(e.getKey()) < range.end()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + e.getKey() + " up to offset " + range.end() + " within " + TIMEOUT);
                    }
                    for (var r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() >= range.end()) {
                            break;
                        }
                        if (!each.test(r)) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /** Deletes what was parked when this was read. */
    public void delete() {
        var upTo = ranges.entrySet().stream().filter(e -> e.getValue().size() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> RecordsToDelete.beforeOffset(e.getValue().end())));
        if (!upTo.isEmpty()) {
            await(admin.deleteRecords(upTo).all().toCompletionStage().toCompletableFuture(), "delete the parked records");
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec) {
        var result = await(admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec))).all()
                .toCompletionStage().toCompletableFuture(), "read offsets");
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    public static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
