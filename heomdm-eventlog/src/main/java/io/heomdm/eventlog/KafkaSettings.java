package io.heomdm.eventlog;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Kafka cluster and how to create topics on it.
 *
 * @param clientProperties passed to every client as they are (security settings, for example)
 * @param ackTimeout       how long a publish may wait for the broker's acknowledgement before it fails
 * @param replicationFactor 3 in a cluster, 1 on a single embedded broker
 * @param minInsyncReplicas 2 in a cluster (Kafka's default of 1 does not protect acknowledged writes)
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, Duration ackTimeout,
        short replicationFactor, int minInsyncReplicas) {

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers);
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings singleBroker(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), Duration.ofSeconds(10), (short) 1, 1);
    }
}
