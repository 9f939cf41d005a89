package io.heomdm.taskqueue;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the Kafka cluster whose share groups carry tasks, and how to create task topics.
 *
 * @param partitions partitions per task topic: the most consumers that can fetch from it at once is not bounded by it
 *                   (share groups), but its throughput is
 */
public record KafkaShareSettings(String bootstrapServers, Map<String, String> clientProperties, short replicationFactor,
        int minInsyncReplicas, int partitions) {
    /** Socket buffers sized by the kernel, as eventlog's KafkaSettings.CLIENT_DEFAULTS says why; the caller's values win. */
    static final Map<String, String> CLIENT_DEFAULTS = Map.of("receive.buffer.bytes", "-1", "send.buffer.bytes", "-1");

    public KafkaShareSettings {
        Objects.requireNonNull(bootstrapServers);
        var merged = new HashMap<>(CLIENT_DEFAULTS);
        merged.putAll(clientProperties);
        clientProperties = Map.copyOf(merged);
    }

    public static KafkaShareSettings singleBroker(String bootstrapServers) {
        return new KafkaShareSettings(bootstrapServers, Map.of(), (short) 1, 1, 6);
    }
}
