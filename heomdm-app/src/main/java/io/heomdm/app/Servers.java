package io.heomdm.app;

import io.heomdm.app.Services.Stage;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.embedded.EmbeddedSmtp;
import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.tasks.SmtpSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Kafka, SQS and SMTP are: the servers the configuration asks to run embedded, started side by
 * side, or the external ones it names.
 *
 * @param sqsEndpoint null when the tasks run on Kafka or on AWS's own SQS
 */
record Servers(String kafkaBootstrap, URI sqsEndpoint, SmtpSettings smtp, Optional<EmbeddedSmtp> embeddedSmtp) {
    private static final Logger log = LoggerFactory.getLogger("heomdm");

    /** Starts the embedded ones, registers them to stop last, and logs where each is. */
    static Servers start(HeomdmConfig config, Path data, Services services) {
        boolean sqsUsed = !config.tasks().onKafka();
        var together = new SideBySide();
        var kafka = together.startIf(config.kafka().embedded(), "Kafka", () -> EmbeddedKafka.start(data.resolve("kafka"),
                config.kafka().embeddedPort()));
        var sqs = together.startIf(sqsUsed && config.sqs().embedded(), "ElasticMQ", () -> EmbeddedSqs.start(config.sqs().embeddedPort(),
                config.sqs().persistEmbeddedQueues() ? Optional.of(data.resolve("sqs")) : Optional.empty()));
        var mail = together.startIf(config.smtp().embedded(), "GreenMail", () -> EmbeddedSmtp.start(config.smtp().embeddedPort()));
        together.awaitAll().forEach(s -> services.add(Stage.SERVERS, s.name(), s.part()));

        String bootstrap = kafka.started().map(k -> {
            log.info("  Kafka     ready  {}  (embedded KRaft broker, {} ms)", k.part().bootstrapServers(), k.millis());
            return k.part().bootstrapServers();
        }).orElseGet(() -> {
            log.info("  Kafka     using  {}", config.kafka().bootstrapServers());
            return config.kafka().bootstrapServers();
        });
        URI sqsEndpoint = sqs.started().map(q -> {
            log.info("  SQS       ready  {}  (embedded ElasticMQ, queues {}, {} ms)", q.part().endpoint(),
                    config.sqs().persistEmbeddedQueues() ? "persisted" : "in memory", q.millis());
            return q.part().endpoint();
        }).orElse(null);
        if (sqsUsed && sqsEndpoint == null) {
            sqsEndpoint = config.sqs().endpoint().equals("aws") ? null : URI.create(config.sqs().endpoint());
            log.info("  SQS       using  {}", sqsEndpoint == null ? "AWS " + config.sqs().region() : sqsEndpoint);
        }
        Optional<EmbeddedSmtp> embeddedSmtp = mail.started().map(m -> {
            log.info("  SMTP      ready  {}:{}  (embedded GreenMail, {} ms)", m.part().host(), m.part().port(), m.millis());
            return m.part();
        });
        var s = config.smtp();
        SmtpSettings smtp = embeddedSmtp.map(m -> new SmtpSettings(m.host(), m.port(), s.from(), Optional.empty(), Optional.empty(), false))
                .orElseGet(() -> {
                    log.info("  SMTP      using  {}:{}", s.host(), s.port());
                    return new SmtpSettings(s.host(), s.port(), s.from(), Settings.nonBlank(s.username()), Settings.nonBlank(s.password()), s.startTls());
                });
        return new Servers(bootstrap, sqsEndpoint, smtp, embeddedSmtp);
    }
}
