package io.heomdm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class EmbeddedServersIT {
    @TempDir
    Path dir;

    @Test
    void kafkaBrokerAcknowledgesAndServesRecords() throws Exception {
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 3, (short) 1))).all().get();
            }
            produce(kafka.bootstrapServers(), "t", 10);
            assertThat(consume(kafka.bootstrapServers(), "t", 10)).hasSize(10);
        }
    }

    @Test
    void kafkaRefusesAPortInUseWithoutHaltingTheJvm() throws Exception {
        try (var taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> EmbeddedKafka.start(dir.resolve("k2"), taken.getLocalPort()))
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void threeBrokerClusterKeepsAcknowledgedRecordsWhenOneIsKilled() throws Exception {
        try (var cluster = EmbeddedKafkaCluster.start(dir.resolve("cluster"), 3, "384m")) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get();
                // the broker asked may not know the new topic yet (its metadata follows the controller's): ask until it does
                int leader = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.describeTopics(List.of("replicated"))
                        .allTopicNames().get().get("replicated").partitions().get(0).leader(), java.util.Objects::nonNull).id();
                produce(cluster.bootstrapServers(), "replicated", 50);
                cluster.kill(leader);
                assertThat(cluster.isAlive(leader)).isFalse();
                // a new leader once the controller fences the dead broker (its 2 s session timeout); on a loaded
                // 2-core machine a producer started before that saw no leader for its whole delivery timeout (CI)
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    var now = admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated").partitions().get(0).leader();
                    return now != null && now.id() != leader;
                });
                produce(cluster.bootstrapServers(), "replicated", 50);
            }
            assertThat(consume(cluster.bootstrapServers(), "replicated", 100)).hasSize(100);
        }
    }

    @Test
    void aClusterNodeStopsWhenTheProcessThatStartedItIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), ClusterParent.class.getName(),
                dir.resolve("orphan").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<ProcessHandle> nodes = List.of();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream()))) {
            assertThat(out.readLine()).isEqualTo("started");
            nodes = parent.toHandle().children().toList();
            assertThat(nodes).hasSize(1);
            assertThat(nodes.get(0).isAlive()).isTrue();

            parent.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs

            // the node saw its standard input close and went, rather than live on as an orphan
            assertThat(nodes.get(0).onExit()).succeedsWithin(Duration.ofSeconds(30));
        } finally {
            parent.destroyForcibly();
            nodes.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void elasticMqSpeaksSqsAndKeepsPersistedMessagesAcrossARestart() {
        Path storage = dir.resolve("sqs");
        int port;
        try (var sqs = EmbeddedSqs.start(0, Optional.of(storage)); var client = sqsClient(sqs)) {
            port = sqs.endpoint().getPort();
            String url = client.createQueue(b -> b.queueName("q")).queueUrl();
            client.sendMessage(b -> b.queueUrl(url).messageBody("kept"));
        }
        try (var sqs = EmbeddedSqs.start(port, Optional.of(storage)); var client = sqsClient(sqs)) {
            String url = client.getQueueUrl(b -> b.queueName("q")).queueUrl();
            var received = client.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages();
            assertThat(received).extracting(m -> m.body()).containsExactly("kept");
        }
    }

    @Test
    void smtpServerReceivesMail() throws Exception {
        try (var smtp = EmbeddedSmtp.start(0)) {
            Properties props = new Properties();
            props.put("mail.smtp.host", smtp.host());
            props.put("mail.smtp.port", String.valueOf(smtp.port()));
            MimeMessage message = new MimeMessage(Session.getInstance(props));
            message.setFrom(new InternetAddress("shop@heomdm.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("ada@example.com"));
            message.setSubject("hello");
            message.setText("body");
            Transport.send(message);
            assertThat(smtp.receivedMessages()).extracting(MimeMessage::getSubject).containsExactly("hello");
        }
    }

    private static SqsClient sqsClient(EmbeddedSqs sqs) {
        return SqsClient.builder().endpointOverride(sqs.endpoint()).region(Region.of("us-east-1"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static void produce(String bootstrap, String topic, int n) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    private static List<String> consume(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
