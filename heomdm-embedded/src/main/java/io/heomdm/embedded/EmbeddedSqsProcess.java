package io.heomdm.embedded;

import io.heomdm.embedded.internal.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory ElasticMQ in a JVM of its own, for measurements: its threads, heap and garbage
 * collector are apart from the process that measures it, and its CPU time can be read. It stops
 * when its parent closes it or dies (it exits when its standard input closes).
 */
public final class EmbeddedSqsProcess implements AutoCloseable {
    private final Process process;
    private final URI endpoint;

    private EmbeddedSqsProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts it on a free port, with {@code heap} as its -Xmx, logging to {@code log}. */
    public static EmbeddedSqsProcess start(String heap, Path log) {
        int port = Ports.free();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = List.of(java, "-Xmx" + heap, "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                EmbeddedSqs.class.getName(), String.valueOf(port));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start ElasticMQ", e);
        }
        var sqs = new EmbeddedSqsProcess(p, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Ports.isListening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                sqs.close();
                throw new IllegalStateException("ElasticMQ did not listen on port " + port + " within 60 s; see " + new File(log.toString()));
            }
            EmbeddedSqs.sleep(50);
        }
        return sqs;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** CPU time the server's process has used so far. */
    public Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** SIGKILL: an in-memory server has nothing to save, and Pekko's orderly shutdown can hang under load. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For the child: serve on the given port, in memory, until standard input closes. */
    static void serve(int port) throws IOException {
        EmbeddedSqs.start(port, Optional.empty());
        while (System.in.read() >= 0) {
            // nothing is sent on it: end of stream means the parent is gone
        }
        Runtime.getRuntime().halt(0); // at once, as close() does: no shutdown hooks to hang on
    }
}
