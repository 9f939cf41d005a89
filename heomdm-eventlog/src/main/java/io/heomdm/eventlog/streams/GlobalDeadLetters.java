package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.DeadLetterHeaders;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters for a global store's loader. Kafka Streams 4.3 sends none from a global thread (its
 * {@code ProcessorNode} drops them with a warning) and a global thread that throws stops the whole
 * client, so a loader reads its records through this: one that cannot be read is parked in the
 * application's dead-letter topic, with the headers Streams writes, by a producer of its own, and
 * counted in the application's {@code dropped-records-total}, which {@code /health} reads.
 *
 * <p>At least once, not in a transaction (a global store has none): a store rebuilt from its topic
 * reads the record again and parks it again. A producer per letter: they are rare, and none is left
 * idle beside the application.
 */
public final class GlobalDeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalDeadLetters.class);
    private final StreamsConfig config;
    private final String topic;
    private final Sensor parked;

    private GlobalDeadLetters(StreamsConfig config, String topic, Sensor parked) {
        this.config = config;
        this.topic = topic;
        this.parked = parked;
    }

    /** For the loader of {@code store}, from its context's application settings (the dead-letter topic among them). */
    public static GlobalDeadLetters of(ProcessorContext<?, ?> context, String store) {
        var config = new StreamsConfig(context.appConfigs());
        String topic = config.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new IllegalStateException("no dead-letter topic configured for the loader of " + store + " (StreamsApp.isolateFailures)");
        }
        return new GlobalDeadLetters(config, topic, context.metrics().addRateTotalSensor("global-loader", store, "dropped-records",
                Sensor.RecordingLevel.INFO));
    }

    /** The event the record carries, or empty once an unreadable record is parked. */
    public Optional<Event<SpecificRecord>> read(Record<String, byte[]> record, ProcessorContext<?, ?> context) {
        try {
            return Optional.of(Records.event(record));
        } catch (MalformedMessageException e) {
            park(record, context, e);
            return Optional.empty();
        }
    }

    private void park(Record<String, byte[]> record, ProcessorContext<?, ?> context, Exception failure) {
        var at = context.recordMetadata().orElseThrow();
        var letter = new ProducerRecord<>(topic, null, record.timestamp(), record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value(), new RecordHeaders(record.headers().toArray()));
        DeadLetterHeaders.add(letter.headers(), failure, at.topic(), at.partition(), at.offset(), 1);
        try (var producer = new KafkaProducer<>(config.getProducerConfigs(topic + "-global-loader"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(letter).get(30, TimeUnit.SECONDS);
            parked.record();
            LOG.warn("{} in the global store loader at {}-{}@{}: the record goes to {} and loading goes on", failure.getClass().getName(),
                    at.topic(), at.partition(), at.offset(), topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the global thread must not stop for it: the record stays in its topic, where it is
            LOG.warn("{} in the global store loader at {}-{}@{} could not be parked in {} ({}); it is skipped", failure.getClass().getName(),
                    at.topic(), at.partition(), at.offset(), topic, e.getClass().getName());
        }
    }
}
