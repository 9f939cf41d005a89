package io.heomdm.eventlog;

import io.heomdm.eventlog.internal.KafkaClients;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Event;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** {@link EventPublisher} on a Kafka producer: idempotent, {@code acks=all}, lz4, 5 ms linger, 64 KB batches. */
public final class KafkaEventPublisher implements EventPublisher {
    private static final int LINGER_MS = 5;
    private static final int BATCH_BYTES = 64 * 1024;
    private final KafkaProducer<String, byte[]> producer;

    public KafkaEventPublisher(KafkaSettings kafka, String clientId) {
        Map<String, Object> props = KafkaClients.base(kafka, clientId);
        long ackTimeout = kafka.ackTimeout().toMillis();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // 64 KB, not the default 16 KB: a 2 KB event would close a batch every 8 records, and each batch
        // costs the producer a compressor and the broker a validation pass
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        // the whole acknowledgement budget, including waiting for metadata when the cluster is away
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ackTimeout);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, ackTimeout - LINGER_MS));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public CompletableFuture<LogPosition> publish(TopicSpec topic, Event<?> event) {
        if (!topic.carries(event.envelope().type())) {
            throw new IllegalArgumentException(topic.name() + " does not carry " + event.envelope().type());
        }
        var record = new ProducerRecord<>(topic.name(), null, event.envelope().occurredAt().toEpochMilli(),
                event.envelope().key(), AvroCodec.encode(event.payload()), KafkaHeaders.of(event.envelope()));
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
