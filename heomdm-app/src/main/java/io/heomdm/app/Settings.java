package io.heomdm.app;

import io.heomdm.archive.ArchiveStore;
import io.heomdm.archive.DirectoryStore;
import io.heomdm.archive.S3Store;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.taskqueue.KafkaShareSettings;
import io.heomdm.taskqueue.SqsSettings;
import java.net.URI;
import java.nio.file.Path;
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
        return new KafkaSettings(bootstrapServers, k.properties(), java.time.Duration.ofMillis(k.ackTimeoutMs()), k.replicationFactor(), k.minInsyncReplicas(),
                k.standbyReplicas());
    }

    /** An admin client with the platform's client properties (security, say). */
    static org.apache.kafka.clients.admin.Admin admin(KafkaSettings kafka) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(kafka.clientProperties());
        props.put("bootstrap.servers", kafka.bootstrapServers());
        return org.apache.kafka.clients.admin.Admin.create(props);
    }

    /** The embedded broker's address, for a command that talks to a running platform. */
    static String kafkaBootstrap(HeomdmConfig config) {
        return config.kafka().embedded() ? "127.0.0.1:" + config.kafka().embeddedPort() : config.kafka().bootstrapServers();
    }

    /** The audit archive's store: the S3 bucket when one is set, else the directory (by default under the data directory). */
    static ArchiveStore archiveStore(HeomdmConfig config) {
        var a = config.archive();
        if (a.s3().used()) {
            return new S3Store(new S3Store.Location(nonBlank(a.s3().endpoint()).map(URI::create), a.s3().region(), a.s3().bucket(), a.s3().prefix(),
                    nonBlank(a.s3().accessKey()), nonBlank(a.s3().secretKey())));
        }
        return new DirectoryStore(nonBlank(a.directory()).map(Path::of).orElse(Path.of(config.dataDir()).resolve("archive")));
    }

    static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
