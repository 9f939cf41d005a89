package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka Streams records to and from envelopes with Avro payloads. */
public final class Records {
    private static final Logger LOG = LoggerFactory.getLogger(Records.class);

    private Records() {
    }

    /** The event a record carries; empty (with a warning) for one that cannot be read, which is skipped rather than stopping the service. */
    public static Optional<Event<SpecificRecord>> read(Record<String, byte[]> record) {
        try {
            Envelope envelope = KafkaHeaders.envelope(record.headers(), record.key(), record.timestamp());
            return Optional.of(new Event<>(envelope, AvroCodec.decode(envelope, record.value())));
        } catch (MalformedMessageException e) {
            LOG.warn("skipping an unreadable record: {}", e.getMessage());
            return Optional.empty();
        }
    }

    public static Record<String, byte[]> of(Envelope envelope, SpecificRecord payload) {
        return new Record<>(envelope.key(), AvroCodec.encode(payload), envelope.occurredAt().toEpochMilli(), KafkaHeaders.of(envelope));
    }
}
