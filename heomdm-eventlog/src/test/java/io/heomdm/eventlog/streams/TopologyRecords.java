package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/** Events in and out of a {@code TopologyTestDriver}'s topics as the platform writes them: Avro values, the envelope in headers. */
public final class TopologyRecords {
    private TopologyRecords() {
    }

    /** The payload as an event of its catalogued type, keyed and stamped at {@code at}. */
    public static void send(TestInputTopic<String, byte[]> topic, String key, SpecificRecord payload, Instant at) {
        var type = EventCatalog.byName(payload.getSchema().getName()).orElseThrow();
        var envelope = new Envelope(UUID.randomUUID(), type.name(), type.version(), key, at, null, null, null);
        topic.pipeInput(new TestRecord<>(key, AvroCodec.encode(payload), KafkaHeaders.of(envelope), at));
    }

    /** The envelopes and payloads written to an output topic since the last read. */
    public static <T extends SpecificRecord> List<Map.Entry<Envelope, T>> read(TestOutputTopic<String, byte[]> topic, Class<T> type) {
        List<Map.Entry<Envelope, T>> out = new ArrayList<>();
        for (var r : topic.readRecordsToList()) {
            Envelope envelope = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
            out.add(Map.entry(envelope, type.cast(AvroCodec.decode(envelope, r.value()))));
        }
        return out;
    }
}
