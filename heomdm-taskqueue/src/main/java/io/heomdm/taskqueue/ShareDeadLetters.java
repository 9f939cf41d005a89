package io.heomdm.taskqueue;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.JsonPayloads;
import io.heomdm.events.MalformedMessageException;
import io.heomdm.taskqueue.internal.ShareWorker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The dead-letter console on Kafka share groups: each queue's dead-letter topic
 * {@code queue.<name>.dlt}. What is parked is what lies between a partition's log start and its
 * end; a redrive appends those records to the destination queue's topic (headers, key and payload
 * as they were, so eventId and trace are kept) and, once all are acknowledged, deletes them from
 * the dead-letter topic by moving its log start ({@code deleteRecords}). Kafka has no move
 * operation, so this is the only method.
 */
final class ShareDeadLetters implements DeadLetters {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaShareTaskQueue queues;
    private final KafkaShareSettings settings;
    private final Admin admin;

    ShareDeadLetters(KafkaShareTaskQueue queues, KafkaShareSettings settings, Admin admin) {
        this.queues = queues;
        this.settings = settings;
        this.admin = admin;
    }

    /** The parked range of one partition of a dead-letter topic: [start, end). */
    private record Range(long start, long end) {
        long size() {
            return end - start;
        }
    }

    @Override
    public List<DeadLetterQueue> list(List<QueueSpec<?>> sources) {
        List<DeadLetterQueue> out = new ArrayList<>();
        for (QueueSpec<?> q : sources) {
            long parked = parked(q).values().stream().mapToLong(Range::size).sum();
            out.add(new DeadLetterQueue(KafkaShareTaskQueue.deadLetterTopic(q), KafkaShareTaskQueue.topic(q), parked));
        }
        return out;
    }

    @Override
    public List<ParkedTask> show(QueueSpec<?> source, int max) {
        List<ParkedTask> out = new ArrayList<>();
        read(parked(source), r -> {
            out.add(parked(source, r));
            return out.size() < max;
        });
        return out;
    }

    @Override
    public Redrive redrive(QueueSpec<?> source, QueueSpec<?> destination) {
        var parked = parked(source);
        String target = KafkaShareTaskQueue.topic(destination);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        read(parked, r -> {
            var headers = new RecordHeaders(r.headers().toArray());
            headers.remove(REASON);
            headers.remove(ShareWorker.DELIVERIES);
            sent.add(queues.produce(new ProducerRecord<>(target, null, r.timestamp(), r.key(), r.value(), headers)));
            return true;
        });
        await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)), "re-send to " + target);
        deleteUpTo(parked);
        return new Redrive("re-send and delete (Kafka cannot move records between topics)", sent.size());
    }

    @Override
    public void purge(QueueSpec<?> source) {
        deleteUpTo(parked(source));
    }

    private void deleteUpTo(Map<TopicPartition, Range> parked) {
        var upTo = parked.entrySet().stream().filter(e -> e.getValue().size() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> RecordsToDelete.beforeOffset(e.getValue().end())));
        await(admin.deleteRecords(upTo).all().toCompletionStage().toCompletableFuture(), "delete the moved records");
    }

    private Map<TopicPartition, Range> parked(QueueSpec<?> source) {
        String topic = KafkaShareTaskQueue.deadLetterTopic(source);
        var description = await(admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture(),
                "describe " + topic).get(topic);
        var partitions = description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        var starts = offsets(partitions, OffsetSpec.earliest());
        var ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Range> out = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        partitions.forEach(tp -> out.put(tp, new Range(starts.get(tp), ends.get(tp))));
        return out;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        var result = await(admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec))).all()
                .toCompletionStage().toCompletableFuture(), "read offsets");
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Reads the parked records, partition by partition, while {@code each} returns true. */
    private void read(Map<TopicPartition, Range> parked, Predicate<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put("bootstrap.servers", settings.bootstrapServers());
        props.put("enable.auto.commit", false);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            for (var e : parked.entrySet()) {
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

    private ParkedTask parked(QueueSpec<?> source, ConsumerRecord<String, byte[]> r) {
        Map<String, String> headers = new TreeMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        String reason = headers.remove(REASON);
        String deliveries = headers.remove(ShareWorker.DELIVERIES);
        int receives = deliveries == null ? 0 : Integer.parseInt(deliveries);
        String id = r.partition() + "@" + r.offset();
        try {
            var envelope = EnvelopeMapping.fromKafka(headers, r.key(), r.timestamp());
            if (!envelope.type().equals(source.taskType().name())) {
                throw new MalformedMessageException("expected a " + source.taskType().name() + " task, got " + envelope.type());
            }
            var payload = AvroCodec.decode(source.taskType(), envelope.schemaVersion(), r.value());
            return new ParkedTask(id, headers, receives, reason, JsonPayloads.toJson(payload), null);
        } catch (MalformedMessageException e) {
            return new ParkedTask(id, headers, receives, reason, null, e.getMessage());
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
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
