package io.heomdm.embedded;

import io.heomdm.embedded.internal.KafkaNodeConfig;
import io.heomdm.embedded.internal.KafkaReadiness;
import io.heomdm.embedded.internal.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One real Apache Kafka node (KRaft, combined broker and controller) inside this JVM, its log
 * under {@code dir} so that a restart keeps every topic. For a cluster whose brokers can be
 * killed for real, use {@link EmbeddedKafkaCluster}.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a node listening on 127.0.0.1:{@code port} (0: any free port) and waits until it serves. */
    public static EmbeddedKafka start(Path dir, int port) {
        return start(dir, port, Optional.empty());
    }

    /**
     * Starts a node whose clients must authenticate with SCRAM-SHA-512 and are authorised by ACLs
     * (no ACL: refused); {@link #adminProperties} are the super user's client properties.
     */
    public static EmbeddedKafka startSecured(Path dir, int port, String adminPassword) {
        return start(dir, port, Optional.of(adminPassword));
    }

    /** A SCRAM client's properties for this node's broker listener. */
    public static Map<String, Object> scramClient(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", KafkaNodeConfig.SCRAM,
                "sasl.jaas.config", KafkaNodeConfig.jaas(user, password));
    }

    private static EmbeddedKafka start(Path dir, int port, Optional<String> adminPassword) {
        int[] free = Ports.free(2);
        int brokerPort = port == 0 ? free[0] : Ports.claim(port, "Kafka broker");
        int controllerPort = free[1] != brokerPort ? free[1] : free[0];
        var node = new KafkaNodeConfig(1, brokerPort, controllerPort, dir, List.of(new KafkaNodeConfig.Voter(1, controllerPort)), adminPassword);
        node.format(KafkaNodeConfig.clusterId(dir), 1);
        var server = new KafkaRaftServer(new KafkaConfig(node.properties(1), false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        try {
            KafkaReadiness.await(bootstrap, 1, Duration.ofSeconds(30),
                    adminPassword.map(p -> scramClient(KafkaNodeConfig.ADMIN_USER, p)).orElse(Map.of()));
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
        return new EmbeddedKafka(server, bootstrap);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
