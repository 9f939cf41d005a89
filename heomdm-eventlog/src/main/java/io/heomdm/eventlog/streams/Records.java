package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Record;

/** Kafka Streams records to and from envelopes with Avro payloads. */
public final class Records {
    private Records() {
    }

    /**
     * The event a record carries. One that cannot be read throws {@link MalformedMessageException}:
     * the application's {@link DeadLetterHandler} parks it in the dead-letter topic and goes on.
     */
    public static Event<SpecificRecord> event(Record<String, byte[]> record) {
        Envelope envelope = KafkaHeaders.envelope(record.headers(), record.key(), record.timestamp());
        return new Event<>(envelope, AvroCodec.decode(envelope, record.value()));
    }

    /**
     * The event a record carries, without the payload's free-form {@code context} map: what the
     * services read (none of them uses the context, which is most of a 2 KB event). Not for a payload
     * that is encoded again.
     */
    public static Event<SpecificRecord> eventWithoutContext(Record<String, byte[]> record) {
        Envelope envelope = KafkaHeaders.envelope(record.headers(), record.key(), record.timestamp());
        return new Event<>(envelope, AvroCodec.decodeWithoutContext(envelope, record.value()));
    }

    public static Record<String, byte[]> of(Envelope envelope, SpecificRecord payload) {
        return new Record<>(envelope.key(), AvroCodec.encode(payload), envelope.occurredAt().toEpochMilli(), KafkaHeaders.of(envelope));
    }
}
