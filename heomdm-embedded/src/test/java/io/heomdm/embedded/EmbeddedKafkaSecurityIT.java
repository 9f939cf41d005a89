package io.heomdm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An embedded broker with SCRAM and ACLs: no credentials, no entry; the ingestion principal writes market.* and nothing else. */
class EmbeddedKafkaSecurityIT {
    @Test
    void clientsAuthenticateAndTheIngestionPrincipalWritesOnlyMarketTopics(@TempDir Path dir) throws Exception {
        try (var kafka = EmbeddedKafka.startSecured(dir, 0, "admin-secret")) {
            try (var admin = Admin.create(client(kafka, EmbeddedKafka.scramClient("admin", "admin-secret")))) {
                admin.createTopics(List.of(new NewTopic("market.activity.v1", 1, (short) 1), new NewTopic("analytics.scores.v1", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("gateway",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "gateway-secret"))).all().get(30, TimeUnit.SECONDS);
                var market = new ResourcePattern(ResourceType.TOPIC, "market.", PatternType.PREFIXED);
                admin.createAcls(List.of(
                        new AclBinding(market, new AccessControlEntry("User:gateway", "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
                        new AclBinding(market, new AccessControlEntry("User:gateway", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW))))
                        .all().get(30, TimeUnit.SECONDS);
            }

            // no credentials: the broker speaks SASL only
            try (var anonymous = Admin.create(client(kafka, Map.of()))) {
                assertThatThrownBy(() -> anonymous.describeCluster().nodes().get(10, TimeUnit.SECONDS)).as("a client without credentials")
                        .isInstanceOf(Exception.class);
            }
            // a wrong password
            try (var wrong = Admin.create(client(kafka, EmbeddedKafka.scramClient("gateway", "guess")))) {
                assertThatThrownBy(() -> wrong.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }
            // the ingestion principal: market.* yes, anything else no. Its secret is read from a file by Kafka's own
            // config provider, so the properties (and anything that prints them) hold only a reference
            Path secrets = java.nio.file.Files.writeString(dir.resolve("kafka-secrets.properties"),
                    "jaas=" + io.heomdm.embedded.internal.KafkaNodeConfig.jaas("gateway", "gateway-secret").replace("\\", "\\\\") + "\n");
            var props = new HashMap<>(client(kafka, Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                    "config.providers", "file", "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                    "sasl.jaas.config", "${file:" + secrets + ":jaas}")));
            props.putAll(Map.of("acks", "all", "max.block.ms", "10000", "delivery.timeout.ms", "10000", "request.timeout.ms", "5000"));
            try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                assertThat(producer.send(new ProducerRecord<>("market.activity.v1", "c-1", "{}")).get(15, TimeUnit.SECONDS).offset()).isZero();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("analytics.scores.v1", "c-1", "{}")).get(15, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (var admin = Admin.create(client(kafka, EmbeddedKafka.scramClient("gateway", "gateway-secret")))) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("it sees only what it may describe")
                        .isEqualTo(Set.of("market.activity.v1"));
            }
        }
    }

    private static Map<String, Object> client(EmbeddedKafka kafka, Map<String, Object> security) {
        var props = new HashMap<String, Object>(security);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("request.timeout.ms", "3000");
        props.put("default.api.timeout.ms", "8000");
        return props;
    }
}
