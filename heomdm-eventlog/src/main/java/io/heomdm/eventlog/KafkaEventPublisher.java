package io.heomdm.eventlog;

import io.heomdm.eventlog.internal.KafkaClients;
import io.heomdm.events.Envelope;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link EventPublisher} on a Kafka producer: idempotent and {@code acks=all}, always; lz4, 5 ms
 * linger and 64 KB batches unless {@code kafka.properties} says otherwise.
 */
public final class KafkaEventPublisher implements EventPublisher {
    /**
     * Tuning a user may change in {@code kafka.properties}. 64 KB batches, not Kafka's 16 KB: a 2 KB
     * event would close a batch every 8 records, and each batch costs the producer a compressor and
     * the broker a validation pass. lz4 makes realistic events about 4 times smaller on the wire and
     * on disk, for CPU; on one machine, where the wire is loopback, {@code compression.type=none} may
     * pay better (the bench measures either). Retries back off to at most 250 ms, not 1 s: while a
     * dead broker's partitions move (about 2 s) a retry waiting out a long backoff would add up to a
     * second to the stall after the new leader is known.
     */
    private static final Map<String, String> TUNING_DEFAULTS = Map.of(ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024), ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "250");
    /** What an acknowledged event relies on; a user's value for these is refused, not quietly replaced. */
    private static final Map<String, String> GUARANTEES = Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    private final KafkaProducer<String, byte[]> producer;

    public KafkaEventPublisher(KafkaSettings kafka, String clientId) {
        this.producer = new KafkaProducer<>(properties(kafka, clientId), new StringSerializer(), new ByteArraySerializer());
    }

    /** The producer's properties; the bench gives them to Kafka's own producer performance tool too. */
    public static Map<String, Object> properties(KafkaSettings kafka, String clientId) {
        GUARANTEES.forEach((key, value) -> {
            String users = kafka.clientProperties().get(key);
            if (users != null && !users.equalsIgnoreCase(value) && !(key.equals(ProducerConfig.ACKS_CONFIG) && users.equals("-1"))) {
                throw new IllegalArgumentException("kafka.properties." + key + "=" + users + ": events are published with " + key + "=" + value
                        + ", without which an acknowledged event can be lost or written twice; remove it");
            }
        });
        Map<String, Object> props = new HashMap<>(TUNING_DEFAULTS);
        props.putAll(KafkaClients.base(kafka, clientId));
        props.putAll(GUARANTEES);
        long ackTimeout = kafka.ackTimeout().toMillis();
        long linger = Long.parseLong(String.valueOf(props.get(ProducerConfig.LINGER_MS_CONFIG)));
        // the whole acknowledgement budget, including waiting for metadata when the cluster is away
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ackTimeout);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, ackTimeout - linger));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout);
        return props;
    }

    @Override
    public CompletableFuture<LogPosition> publish(TopicSpec topic, Envelope envelope, byte[] payload) {
        if (!topic.carries(envelope.type())) {
            throw new IllegalArgumentException(topic.name() + " does not carry " + envelope.type());
        }
        return send(new ProducerRecord<>(topic.name(), null, envelope.occurredAt().toEpochMilli(), envelope.key(), payload, KafkaHeaders.of(envelope)));
    }

    @Override
    public CompletableFuture<LogPosition> delete(TopicSpec topic, String key) {
        if (topic.cleanup() != TopicSpec.Cleanup.COMPACT) {
            throw new IllegalArgumentException(topic.name() + " is not compacted: a tombstone would delete nothing");
        }
        return send(new ProducerRecord<>(topic.name(), key, null));
    }

    private CompletableFuture<LogPosition> send(ProducerRecord<String, byte[]> record) {
        var result = new CompletableFuture<LogPosition>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(new LogPosition(metadata.topic(), metadata.partition(), metadata.offset()));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        producer.close();
    }
}
