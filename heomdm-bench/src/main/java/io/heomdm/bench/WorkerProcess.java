package io.heomdm.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A task worker in a JVM of its own ({@link BenchWorker}), so that the fault runs can kill one
 * for real (SIGKILL) and the scale runs can add a second. It reports each task it has run as a line
 * {@code done <seq>} on its standard output, which this side times on arrival; it stops when its
 * standard input closes.
 */
final class WorkerProcess implements AutoCloseable {
    /** What the worker runs: the run's task transport and queue, and the simulated I/O each task waits for. */
    record Spec(Transports.TaskTransport transport, String run, Harness.Servers servers, int partitions, int concurrency, Duration taskLatency) {
        /** Where the secrets go: a process's environment is readable by its owner only, its command line by anyone ({@code ps}). */
        static final String SQS_ACCESS_KEY = "HEOMDM_BENCH_SQS_ACCESS_KEY";
        static final String SQS_SECRET_KEY = "HEOMDM_BENCH_SQS_SECRET_KEY";
        static final String KAFKA_PROPERTIES = "HEOMDM_BENCH_KAFKA_PROPERTIES";

        /** The command line: nothing secret on it. */
        List<String> args() {
            var sqs = servers.sqs();
            return List.of(transport.name(), run, servers.kafkaBootstrap(), String.valueOf(servers.replication()),
                    String.valueOf(servers.minInsync()), sqs.endpoint().map(URI::toString).orElse("-"), sqs.region(), String.valueOf(partitions),
                    String.valueOf(concurrency), String.valueOf(taskLatency.toMillis()));
        }

        /** The credentials and the Kafka client properties (which may hold a SASL password), one {@code key=value} per line. */
        Map<String, String> environment() {
            var env = new java.util.HashMap<String, String>();
            servers.sqs().accessKey().ifPresent(k -> env.put(SQS_ACCESS_KEY, k));
            servers.sqs().secretKey().ifPresent(k -> env.put(SQS_SECRET_KEY, k));
            var properties = new StringBuilder();
            servers.kafkaProperties().forEach((k, v) -> properties.append(k).append('=').append(v.replace("\n", " ")).append('\n'));
            env.put(KAFKA_PROPERTIES, properties.toString());
            return env;
        }

        static Spec parse(String[] a, Map<String, String> env) {
            var sqs = new io.heomdm.taskqueue.SqsSettings("-".equals(a[5]) ? Optional.empty() : Optional.of(URI.create(a[5])), a[6],
                    Optional.ofNullable(env.get(SQS_ACCESS_KEY)), Optional.ofNullable(env.get(SQS_SECRET_KEY)));
            var kafkaProperties = new java.util.HashMap<String, String>();
            for (String line : env.getOrDefault(KAFKA_PROPERTIES, "").split("\n")) {
                if (line.contains("=")) {
                    kafkaProperties.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            var servers = new Harness.Servers(a[2], kafkaProperties, Short.parseShort(a[3]), Integer.parseInt(a[4]), sqs, () -> Duration.ZERO,
                    () -> Duration.ZERO);
            return new Spec(Transports.TaskTransport.valueOf(a[0]), a[1], servers, Integer.parseInt(a[7]), Integer.parseInt(a[8]),
                    Duration.ofMillis(Long.parseLong(a[9])));
        }
    }

    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;

    private WorkerProcess(Process process, LongConsumer done) {
        this.process = process;
        this.reader = Transports.daemon(() -> read(done), "bench-worker-reader-" + process.pid());
        reader.start();
    }

    /** Starts a worker; {@code done} is called with the sequence number of each task it reports run. */
    static WorkerProcess start(Spec spec, Path log, LongConsumer done) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                BenchWorker.class.getName()));
        command.addAll(spec.args());
        try {
            var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
            builder.environment().putAll(spec.environment());
            Process p = builder.start();
            return new WorkerProcess(p, done);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a worker process", e);
        }
    }

    private void read(LongConsumer done) {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(BenchWorker.DONE)) {
                    done.accept(Long.parseLong(line.substring(BenchWorker.DONE.length())));
                } else if (line.equals(BenchWorker.READY)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the process is gone (killed, or closed): nothing more to read
        }
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("worker process " + process.pid() + " was not ready in " + timeout.toSeconds() + " s"
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
        }
    }

    /** SIGKILL: the worker gets no chance to finish, release or delete anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Closes its standard input: the worker stops receiving, finishes what it runs, and exits; killed after 20 s. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(5_000);
    }
}
