package io.heomdm.eventlog;

import io.heomdm.events.Envelope;
import io.heomdm.events.EnvelopeMapping;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The envelope as Kafka record headers (UTF-8 strings): how publishers, subscribers and Kafka Streams processors read and write it. */
public final class KafkaHeaders {
    private KafkaHeaders() {
    }

    public static Headers of(Envelope envelope) {
        var headers = new RecordHeaders();
        EnvelopeMapping.kafkaHeaders(envelope).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    public static Envelope envelope(Headers headers, String key, long timestamp) {
        Map<String, String> map = new HashMap<>();
        for (Header h : headers) {
            if (h.value() != null) {
                map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return EnvelopeMapping.fromKafka(map, key, timestamp);
    }
}
