package io.heomdm.taskqueue;

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
    public KafkaShareSettings {
        Objects.requireNonNull(bootstrapServers);
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaShareSettings singleBroker(String bootstrapServers) {
        return new KafkaShareSettings(bootstrapServers, Map.of(), (short) 1, 1, 6);
    }
}
