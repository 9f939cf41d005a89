package io.heomdm.embedded;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.heomdm.embedded.internal.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import scala.Function0;

/**
 * ElasticMQ, a real SQS-compatible server, on 127.0.0.1. With a storage directory its queues and
 * their messages are kept on disk (an H2 file), so a restart loses no task; without one they live
 * in memory, which is faster and what tests use.
 *
 * <p>Known differences from AWS SQS that HEOMDM must not rely on (see FACTS.md): no signature
 * check, no retention limit, an error instead of success for a stale receipt handle, and
 * {@code StartMessageMoveTask} fails with H2 storage.
 */
public final class EmbeddedSqs implements AutoCloseable {
    public static final String REGION = "elasticmq";
    public static final String ACCOUNT_ID = "000000000000";

    private final Function0<?> shutdown;
    private final URI endpoint;

    private EmbeddedSqs(Function0<?> shutdown, URI endpoint) {
        this.shutdown = shutdown;
        this.endpoint = endpoint;
    }

    public static EmbeddedSqs start(int port, Optional<Path> storageDir) {
        EmbeddedDatabase.loopbackOnly(); // persisted queues are an H2 database
        int bound = Ports.claim(port, "ElasticMQ");
        Map<String, Object> settings = new HashMap<>();
        settings.put("rest-sqs.enabled", true);
        settings.put("rest-sqs.bind-port", bound);
        settings.put("rest-sqs.bind-hostname", "127.0.0.1");
        settings.put("rest-sqs.sqs-limits", "strict");
        settings.put("node-address.host", "127.0.0.1");
        settings.put("node-address.port", bound);
        settings.put("generate-node-address", false);
        settings.put("aws.region", REGION);
        settings.put("aws.accountId", ACCOUNT_ID);
        int persistedQueues = storageDir.map(EmbeddedSqs::persistedQueueCount).orElse(0);
        storageDir.ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            settings.put("queues-storage.enabled", true);
            settings.put("queues-storage.path", dir.resolve("queues.conf").toString());
            settings.put("messages-storage.enabled", true);
            settings.put("messages-storage.uri", messagesUrl(dir));
        });
        // ElasticMQ's bundled application.conf sets Pekko to DEBUG; keep it at WARNING here.
        System.setProperty("pekko.loglevel", "WARNING");
        System.setProperty("pekko.stdout-loglevel", "WARNING");
        ConfigFactory.invalidateCaches();
        Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
        Function0<?> shutdown = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Ports.isListening(bound)) {
            if (System.nanoTime() > deadline) {
                shutdown.apply();
                throw new IllegalStateException("ElasticMQ did not listen on port " + bound + " within 20 s");
            }
            sleep(20);
        }
        var sqs = new EmbeddedSqs(shutdown, URI.create("http://127.0.0.1:" + bound));
        try {
            sqs.awaitRestoredQueues(persistedQueues, deadline);
        } catch (RuntimeException e) {
            sqs.close();
            throw e;
        }
        return sqs;
    }

    private static String messagesUrl(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("messages").toAbsolutePath();
    }

    /** How many queues an earlier run left in the storage directory (ElasticMQ's own {@code queue} table). */
    private static int persistedQueueCount(Path dir) {
        if (!Files.exists(dir.resolve("messages.mv.db"))) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection(messagesUrl(dir) + ";IFEXISTS=TRUE");
                ResultSet rs = c.createStatement().executeQuery("select count(*) from queue")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    /**
     * ElasticMQ answers requests before it has finished restoring persisted queues; a queue
     * declared in that window would shadow the stored one and hide its messages. So wait until
     * every stored queue is listed again.
     */
    private void awaitRestoredQueues(int expected, long deadlineNanos) {
        if (expected == 0) {
            return;
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest list = HttpRequest.newBuilder(endpoint.resolve("/?Action=ListQueues")).build();
        while (true) {
            try {
                String body = http.send(list, HttpResponse.BodyHandlers.ofString()).body();
                if (body.split("<QueueUrl>", -1).length - 1 >= expected) {
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("ElasticMQ did not restore its " + expected + " persisted queues in time");
            }
            sleep(20);
        }
    }

    /** Between readiness checks of a starting server (this one, or one in its own process). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code java io.heomdm.embedded.EmbeddedSqs PORT}: an in-memory server in a process of its own ({@link EmbeddedSqsProcess}). */
    public static void main(String[] args) throws IOException {
        EmbeddedSqsProcess.serve(Integer.parseInt(args[0]));
    }

    /** Where an AWS SDK client points its endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        shutdown.apply();
    }
}
