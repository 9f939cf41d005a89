package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * What every topology test of the Streams services sets up: a {@code TopologyTestDriver} configured as
 * {@link StreamsApp} configures the applications (exactly-once, failures dead-lettered to
 * {@code <applicationId>.dlt}), the platform's topics with String keys and byte[] values, and events
 * in and out of them as the platform writes them (Avro values, the envelope in headers).
 */
public final class TopologyTests {
    private TopologyTests() {
    }

    /** The driver's configuration for an application: exactly-once, the platform's dead-letter handlers, state under {@code stateDir}. */
    public static Properties properties(String applicationId, Path stateDir) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        StreamsApp.isolateFailures(props, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    public static TestInputTopic<String, byte[]> input(TopologyTestDriver driver, TopicSpec topic) {
        return driver.createInputTopic(topic.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    public static TestOutputTopic<String, byte[]> output(TopologyTestDriver driver, TopicSpec topic) {
        return driver.createOutputTopic(topic.name(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
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
