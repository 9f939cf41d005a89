package io.heomdm.app;

import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.embedded.EmbeddedKafkaCluster;
import io.heomdm.embedded.EmbeddedSmtp;
import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.events.Daemons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A second platform instance — its Streams applications, relays and task workers — as {@code heomdm up} in a child
 * JVM beside the soak's own, SIGKILLed every {@code between} and started again after {@code downtime}: the worker
 * process the soak kills. Its output goes to {@code instance.log} beside its data directory.
 */
final class InstanceNemesis implements Callable<Void>, AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private final int planned;
    private final Duration between;
    private final Duration downtime;
    /** When each kill happened (System.nanoTime()). */
    final List<Long> killedAt = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile long lastKillBy = Long.MAX_VALUE;

    private InstanceNemesis(Map<String, String> env, Path log, int kills, Duration between, Duration downtime) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.command = List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), Heomdm.class.getName(), "up");
        this.env = Map.copyOf(env);
        this.log = log;
        this.planned = kills;
        this.between = between;
        this.downtime = downtime;
    }

    interface OnTwoInstances<T> {
        T run(EmbeddedKafkaCluster cluster, ExactlyOnceCheck.Client client, InstanceNemesis second) throws Exception;
    }

    /**
     * Three brokers in child processes (replication 3, min.insync 2), ElasticMQ, GreenMail and an H2 database that a second
     * process may open (its {@code AUTO_SERVER}); the platform on them in this JVM with a standby copy of every store, and
     * a second instance of it in a child process; then {@code body}, its client speaking to this JVM's instance.
     */
    static <T> T onCluster(Path dir, String keyName, int kills, Duration between, Duration downtime, OnTwoInstances<T> body) throws Exception {
        try (var cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3, "512m"); var sqs = EmbeddedSqs.start(0, Optional.empty());
                var smtp = EmbeddedSmtp.start(0)) {
            var database = EmbeddedDatabase.inDirectory(dir.resolve("db"));
            Map<String, String> shared = new HashMap<>(Map.of("HEOMDM_KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(),
                    "HEOMDM_KAFKA_REPLICATION_FACTOR", "3", "HEOMDM_KAFKA_MIN_INSYNC_REPLICAS", "2", "HEOMDM_KAFKA_STANDBY_REPLICAS", "1",
                    "HEOMDM_SQS_ENDPOINT", sqs.endpoint().toString(), "HEOMDM_SQS_ACCESS_KEY", "heomdm", "HEOMDM_SQS_SECRET_KEY", "heomdm",
                    "HEOMDM_DATABASE_URL", database.jdbcUrl(), "HEOMDM_DATABASE_USER", database.user(), "HEOMDM_HTTP_PORT", "0"));
            shared.putAll(Map.of("HEOMDM_SMTP_HOST", smtp.host(), "HEOMDM_SMTP_PORT", String.valueOf(smtp.port())));
            var first = new HashMap<>(shared);
            first.put("HEOMDM_DATA_DIR", dir.resolve("first").toString());
            var second = new HashMap<>(shared);
            second.put("HEOMDM_DATA_DIR", dir.resolve("second").toString());
            try (var platform = Platform.start(ConfigLoader.load(Optional.empty(), first));
                    var instance = start(second, dir.resolve("second.log"), kills, between, downtime)) {
                String key = platform.issueKey(keyName, Set.of("events:write", "pii:read"), Edge.postableTypes());
                var client = new ExactlyOnceCheck.Client(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                        URI.create("http://127.0.0.1:" + platform.gatewayPort()), key);
                return body.run(cluster, client, instance);
            }
        }
    }

    /** Starts the instance with these settings (its own data directory among them) and waits until it is up. */
    static InstanceNemesis start(Map<String, String> env, Path log, int kills, Duration between, Duration downtime) throws Exception {
        var nemesis = new InstanceNemesis(env, log, kills, between, downtime);
        nemesis.launch();
        return nemesis;
    }

    @Override
    public Void call() throws Exception {
        for (int k = 0; k < planned; k++) {
            // decided before the wait, not after it: a kill the deadline rules out is not waited for (up to 7 minutes)
            if (lastKillBy != Long.MAX_VALUE && lastKillBy - System.nanoTime() < between.toNanos()) {
                break;
            }
            Thread.sleep(between.toMillis());
            process.destroyForcibly().waitFor();
            killedAt.add(System.nanoTime());
            Thread.sleep(downtime.toMillis());
            launch();
        }
        return null;
    }

    /** Kills none after {@code nanoTime} (System.nanoTime()): each restart takes longer on a loaded machine than planned. */
    void killNoneAfter(long nanoTime) {
        lastKillBy = nanoTime;
    }

    /**
     * Starts the child and waits for its "HEOMDM up" line, copying its output to the log as it comes (read once, not
     * the whole file again and again over an hour); its end before that line means it did not start.
     */
    private void launch() throws Exception {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process started = builder.start();
        started.getOutputStream().close();
        process = started;
        var up = new CompletableFuture<Void>();
        Daemons.start("second-instance-output", () -> {
            try (var lines = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
                    var out = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.write(line);
                    out.newLine();
                    if (line.contains("HEOMDM up in")) {
                        out.flush();
                        up.complete(null);
                    }
                }
            } catch (IOException e) {
                up.completeExceptionally(e);
            }
            up.completeExceptionally(new IllegalStateException("the second instance ended before it was up; see " + log));
        });
        try {
            up.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            started.destroyForcibly();
            throw new IllegalStateException("the second instance did not start within " + START_TIMEOUT + "; see " + log, e);
        }
    }

    /** Stops the instance as an operator would (SIGTERM), and for good after 40 s. */
    @Override
    public void close() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(40, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
