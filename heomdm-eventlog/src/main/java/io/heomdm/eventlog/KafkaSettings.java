package io.heomdm.eventlog;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Kafka cluster and how to create topics on it.
 *
 * @param clientProperties passed to every client as they are (security settings, for example), over
 *                         {@link #CLIENT_DEFAULTS}
 * @param ackTimeout       how long a publish may wait for the broker's acknowledgement before it fails
 * @param replicationFactor 3 in a cluster, 1 on a single embedded broker
 * @param minInsyncReplicas 2 in a cluster (Kafka's default of 1 does not protect acknowledged writes)
 * @param standbyReplicas  copies of each Streams store kept by other instances of the application ({@code num.standby.replicas}):
 *                         with N instances, N − 1 lets every instance answer every query from its own copies
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, Duration ackTimeout,
        short replicationFactor, int minInsyncReplicas, int standbyReplicas) {
    /**
     * Socket buffers sized by the kernel (-1, autotuned) instead of Kafka's fixed 32–128 KB: on
     * loopback, whose segments are 64 KB, a fetch response overflows the consumer's 64 KB receive
     * buffer, the kernel drops the segment (TcpExtTCPRcvQDrop), and the consumer waits out a 200 ms
     * retransmission timeout. A user's own value in clientProperties still wins.
     */
    public static final Map<String, String> CLIENT_DEFAULTS = Map.of("receive.buffer.bytes", "-1", "send.buffer.bytes", "-1");

    /**
     * For consumers of the classic group protocol (the subscriber's, the Streams applications'): a
     * member that dies is noticed in 6 s instead of Kafka's 45, so its partitions move on that soon.
     * Heartbeats go every 2 s from a thread of their own, so only a process stalled for 6 s is taken
     * for dead (6 s is also the brokers' default group.min.session.timeout.ms). A user's own value in
     * clientProperties wins.
     */
    public static final Map<String, String> CONSUMER_DEFAULTS = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "2000");

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers);
        var merged = new HashMap<>(CLIENT_DEFAULTS);
        merged.putAll(clientProperties);
        clientProperties = Map.copyOf(merged);
    }

    /** For one instance of each application: no standby copies. */
    public KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, Duration ackTimeout, short replicationFactor,
            int minInsyncReplicas) {
        this(bootstrapServers, clientProperties, ackTimeout, replicationFactor, minInsyncReplicas, 0);
    }

    public static KafkaSettings singleBroker(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), Duration.ofSeconds(10), (short) 1, 1);
    }

    /** Properties fit to print: the values of secrets (JAAS lines, passwords, keys, tokens) are replaced. */
    public static Map<String, String> redacted(Map<String, String> properties) {
        var out = new java.util.TreeMap<String, String>();
        properties.forEach((k, v) -> out.put(k, k.matches("(?i).*(jaas|password|secret|token|\\.key$|credentials).*") && !v.startsWith("${")
                ? "[redacted]" : v));
        return out;
    }
}
