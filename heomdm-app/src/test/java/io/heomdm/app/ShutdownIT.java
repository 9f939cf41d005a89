package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heomdm up} in a process of its own, from the jar as it ships, sent SIGTERM while a client posts orders: it stops
 * within 30 s, stage by stage in the documented order (intake, handlers, consumers, Streams,
 * relay, clients, database, servers), answers every request it took, and logs nothing but its two
 * stop lines; started again on the same data, it logs no warning and restores nothing.
 */
class ShutdownIT {
    private static final Pattern API = Pattern.compile("API http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void sigtermStopsEveryPartInOrderWithinThirtySecondsAndQuietly(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the jar as built, alone: the platform runs without the bench's class path (failsafe runs after the package phase)
        Path jar = Path.of("target", "heomdm.jar").toAbsolutePath();
        assertThat(jar).exists();
        // a temporary directory of its own: Streams warns at every start when its state is under java.io.tmpdir
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        var builder = new ProcessBuilder(java, "-Xmx1g", "-Djava.io.tmpdir=" + tmp, "-jar", jar.toString(), "up")
                .redirectErrorStream(true).redirectOutput(dir.resolve("up.log").toFile());
        builder.environment().putAll(Map.of("HEOMDM_DATA_DIR", dir.toString(), "HEOMDM_HTTP_PORT", "0", "HEOMDM_KAFKA_EMBEDDED_PORT", "0",
                "HEOMDM_SQS_EMBEDDED_PORT", "0", "HEOMDM_SMTP_EMBEDDED_PORT", "0"));
        Process up = builder.start();
        Path out = dir.resolve("up.log");
        var answers = new ConcurrentHashMap<Integer, AtomicInteger>();
        var posting = new AtomicBoolean(true);
        Thread client = null;
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> line(out, "HEOMDM up in") != null || !up.isAlive());
            var port = API.matcher(line(out, "HEOMDM up in"));
            assertThat(port.find()).isTrue();
            URI events = URI.create("http://127.0.0.1:" + port.group(1) + "/v1/events");
            String key = Files.readString(dir.resolve(Edge.ADMIN_KEY_FILE)).trim();
            client = new Thread(() -> post(events, key, posting, answers));
            client.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.getOrDefault(202, new AtomicInteger()).get() >= 20);

            long signalled = System.nanoTime();
            up.destroy(); // SIGTERM
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
            assertThat(up.exitValue()).isZero();
            List<String> log = Files.readAllLines(out);
            String stopped = line(out, "HEOMDM stopped in");
            assertThat(stopped).as("the stop line, in %s", log).isNotNull();
            assertThat(order(stopped, "API", "workers", "decisions.order-confirmation", "analytics", "outbox relay", "publisher", "database", "Kafka"))
                    .as(stopped).isSorted();
            List<String> afterStop = log.subList(log.indexOf(line(out, "HEOMDM stopping")), log.size());
            assertThat(afterStop).as("the log from SIGTERM on").hasSize(2).noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
            assertThat((System.nanoTime() - signalled) / 1e9).isLessThan(30);
        } finally {
            posting.set(false);
            up.destroyForcibly();
            if (client != null) {
                client.join(15_000);
            }
        }
        // a request got 202, or 503 while intake was stopping, or no connection once the port was closed; never an error
        assertThat(answers.keySet()).as("statuses (-1: no connection)").isSubsetOf(202, 503, -1);

        // started again on what it left: quietly, and without restoring a store (most tasks never saw a record; Kafka 4.4
        // wipes such stores at every start and said so twice per task, 144 warnings)
        Path again = dir.resolve("restart.log");
        Process restarted = builder.redirectOutput(again.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> line(again, "HEOMDM up in") != null || !restarted.isAlive());
            assertThat(line(again, "HEOMDM up in")).as("the restart's log: %s", Files.readAllLines(again)).isNotNull();
            assertThat(Files.readAllLines(again)).noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("restored from their changelogs"));
        } finally {
            restarted.destroy();
            restarted.waitFor(30, TimeUnit.SECONDS);
            restarted.destroyForcibly();
        }
    }

    /** Single orders, one after another, until told to stop; each answer counted by status. */
    private static void post(URI events, String key, AtomicBoolean posting, Map<Integer, AtomicInteger> answers) {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; posting.get(); i++) {
            String order = """
                    {"type":"OrderPlaced","data":{"orderId":"o%d","customerId":"c%d","total":10,"currency":"EUR",\
                    "lines":[{"productId":"p1","quantity":1,"unitPrice":10}]}}""".formatted(i, i % 50);
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(order)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
                sleep();
            } catch (InterruptedException e) {
                return;
            }
            answers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100); // the platform is gone or going: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String line(Path log, String containing) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(containing)).findFirst().orElse(null);
    }

    /** Where each part is named in the stop line. */
    private static List<Integer> order(String stopped, String... parts) {
        List<Integer> at = new ArrayList<>();
        for (String part : parts) {
            int i = stopped.indexOf(" " + part + " ");
            assertThat(i).as("%s in %s", part, stopped).isPositive();
            at.add(i);
        }
        return at;
    }
}
