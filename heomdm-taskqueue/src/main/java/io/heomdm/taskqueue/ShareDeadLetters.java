package io.heomdm.taskqueue;

import io.heomdm.eventlog.ParkedRecords;
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
    private final KafkaShareTaskQueue queues;
    private final KafkaShareSettings settings;
    private final Admin admin;

    ShareDeadLetters(KafkaShareTaskQueue queues, KafkaShareSettings settings, Admin admin) {
        this.queues = queues;
        this.settings = settings;
        this.admin = admin;
    }

    @Override
    public List<DeadLetterQueue> list(List<QueueSpec<?>> sources) {
        List<DeadLetterQueue> out = new ArrayList<>();
        for (QueueSpec<?> q : sources) {
            long parked = parked(q).count();
            out.add(new DeadLetterQueue(KafkaShareTaskQueue.deadLetterTopic(q), KafkaShareTaskQueue.topic(q), parked));
        }
        return out;
    }

    @Override
    public List<ParkedTask> show(QueueSpec<?> source, int max) {
        List<ParkedTask> out = new ArrayList<>();
        parked(source).read(r -> {
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
        parked.read(r -> {
            var headers = new RecordHeaders(r.headers().toArray());
            headers.remove(REASON);
            headers.remove(ShareWorker.DELIVERIES);
            sent.add(queues.produce(new ProducerRecord<>(target, null, r.timestamp(), r.key(), r.value(), headers)));
            return true;
        });
        ParkedRecords.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)), "re-send to " + target);
        parked.delete();
        return new Redrive("re-send and delete (Kafka cannot move records between topics)", sent.size());
    }

    @Override
    public void purge(QueueSpec<?> source) {
        parked(source).delete();
    }

    private ParkedRecords parked(QueueSpec<?> source) {
        return ParkedRecords.of(admin, settings.bootstrapServers(), settings.clientProperties(), KafkaShareTaskQueue.deadLetterTopic(source));
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
}
