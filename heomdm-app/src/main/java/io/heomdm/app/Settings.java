package io.heomdm.app;

import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.taskqueue.KafkaShareSettings;
import io.heomdm.taskqueue.SqsSettings;
import java.net.URI;
import java.util.Optional;

/** Typed client settings derived from the configuration, shared by {@code up} and the operations commands. */
final class Settings {
    private Settings() {
    }

    /** The embedded ElasticMQ's address, for a command that talks to a running platform. */
    static URI embeddedSqsEndpoint(HeomdmConfig config) {
        return config.sqs().embedded() ? URI.create("http://127.0.0.1:" + config.sqs().embeddedPort()) : null;
    }

    /**
     * @param embeddedEndpoint where the embedded server listens, when SQS is embedded; null otherwise
     */
    static SqsSettings sqs(HeomdmConfig config, URI embeddedEndpoint) {
        var s = config.sqs();
        if (s.embedded()) {
            return SqsSettings.local(embeddedEndpoint);
        }
        Optional<URI> endpoint = s.endpoint().equals("aws") ? Optional.empty() : Optional.of(URI.create(s.endpoint()));
        return new SqsSettings(endpoint, s.region(), nonBlank(s.accessKey()), nonBlank(s.secretKey()));
    }

    static KafkaShareSettings kafkaShare(HeomdmConfig config, String bootstrapServers) {
        var k = config.kafka();
        return new KafkaShareSettings(bootstrapServers, k.properties(), k.replicationFactor(), k.minInsyncReplicas(), config.tasks().partitions());
    }

    static KafkaSettings kafka(HeomdmConfig config, String bootstrapServers) {
        var k = config.kafka();
        return new KafkaSettings(bootstrapServers, k.properties(), java.time.Duration.ofMillis(k.ackTimeoutMs()), k.replicationFactor(), k.minInsyncReplicas());
    }

    /** The embedded broker's address, for a command that talks to a running platform. */
    static String kafkaBootstrap(HeomdmConfig config) {
        return config.kafka().embedded() ? "127.0.0.1:" + config.kafka().embeddedPort() : config.kafka().bootstrapServers();
    }

    static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
