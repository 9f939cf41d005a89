package io.heomdm.embedded;

import io.heomdm.embedded.internal.KafkaNodeConfig;
import io.heomdm.embedded.internal.KafkaReadiness;
import io.heomdm.embedded.internal.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Kafka cluster of N combined broker+controller nodes, each a child JVM, so that a fault test
 * can kill one for real ({@link #kill}: SIGKILL) and restart it. Replication factor and
 * {@code min.insync.replicas} default to min(N, 3) and min(N, 2).
 *
 * <p>Not thread-safe.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    private static final String LOG_CONFIG = """
            status = warn
            appender.file.type = File
            appender.file.name = file
            appender.file.fileName = ${sys:heomdm.node.dir}/broker.log
            appender.file.layout.type = PatternLayout
            appender.file.layout.pattern = %d %p %c{1} %m%n
            rootLogger.level = warn
            rootLogger.appenderRef.file.ref = file
            """;

    private final List<KafkaNodeConfig> nodes;
    private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
    private final Map<Integer, Path> propertyFiles = new ConcurrentHashMap<>();
    private final String heap;

    private EmbeddedKafkaCluster(List<KafkaNodeConfig> nodes, String heap) {
        this.nodes = nodes;
        this.heap = heap;
    }

    public static EmbeddedKafkaCluster start(Path dir, int brokers) {
        return start(dir, brokers, "768m");
    }

    public static EmbeddedKafkaCluster start(Path dir, int brokers, String heap) {
        List<KafkaNodeConfig.Voter> voters = new ArrayList<>();
        List<int[]> ports = new ArrayList<>();
        int[] free = Ports.free(2 * brokers);
        for (int id = 1; id <= brokers; id++) {
            int controller = free[2 * id - 1];
            ports.add(new int[] {free[2 * id - 2], controller});
            voters.add(new KafkaNodeConfig.Voter(id, controller));
        }
        String clusterId = KafkaNodeConfig.clusterId(dir);
        int rf = Math.min(brokers, 3);
        List<KafkaNodeConfig> nodes = IntStream.rangeClosed(1, brokers)
                .mapToObj(id -> new KafkaNodeConfig(id, ports.get(id - 1)[0], ports.get(id - 1)[1], dir.resolve("node-" + id), voters))
                .toList();
        var cluster = new EmbeddedKafkaCluster(nodes, heap);
        try {
            Files.writeString(dir.resolve("log4j2.properties"), LOG_CONFIG);
            for (KafkaNodeConfig node : nodes) {
                cluster.propertyFiles.put(node.nodeId(), node.format(clusterId, rf));
                cluster.launch(node.nodeId());
            }
            KafkaReadiness.await(cluster.bootstrapServers(), brokers, Duration.ofSeconds(60));
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.brokerPort()).collect(Collectors.joining(","));
    }

    public List<Integer> nodeIds() {
        return nodes.stream().map(KafkaNodeConfig::nodeId).toList();
    }

    public boolean isAlive(int nodeId) {
        Process p = processes.get(nodeId);
        return p != null && p.isAlive();
    }

    /** CPU time used so far by the running nodes' processes (the benchmark reports it per process). */
    public java.time.Duration cpuTime() {
        return processes.values().stream().map(p -> p.info().totalCpuDuration().orElse(java.time.Duration.ZERO))
                .reduce(java.time.Duration.ZERO, java.time.Duration::plus);
    }

    /** SIGKILL: the node gets no chance to flush or hand over leadership. */
    public void kill(int nodeId) {
        Process p = processes.remove(nodeId);
        if (p != null) {
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(10));
        }
    }

    /** Starts a killed or stopped node again from its storage. */
    public void restart(int nodeId) {
        if (isAlive(nodeId)) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        launch(nodeId);
    }

    /** Waits until every node is registered with the cluster again (after a {@link #restart}). */
    public void awaitAllNodes(Duration timeout) {
        KafkaReadiness.await(bootstrapServers(), nodes.size(), timeout);
    }

    private void launch(int nodeId) {
        KafkaNodeConfig node = nodes.get(nodeId - 1);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = List.of(java, "-Xmx" + heap, "-XX:+UseParallelGC",
                "-Dheomdm.node.dir=" + node.dir(),
                "-Dlog4j2.configurationFile=" + node.dir().getParent().resolve("log4j2.properties"),
                "-cp", System.getProperty("java.class.path"),
                Node.class.getName(), propertyFiles.get(nodeId).toString());
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(node.dir().toFile(), "stdout.log")))
                    .start();
            processes.put(nodeId, p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka node " + nodeId, e);
        }
    }

    /** SIGTERM to every node at once (a controlled shutdown), SIGKILL for any still running after 15 s. */
    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        processes.values().forEach(p -> waitFor(p, Duration.ofSeconds(15)));
        processes.values().forEach(Process::destroyForcibly);
        processes.clear();
    }

    /**
     * A node's JVM: Kafka's own main, plus a watch on standard input, which the parent holds open
     * and never writes to. Its end means the parent is gone, even by SIGKILL or Ctrl-C, and the
     * node goes at once instead of living on as an orphan that takes a core from the next run.
     */
    public static final class Node {
        private Node() {
        }

        public static void main(String[] args) throws Exception {
            var watch = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is sent on it
                    }
                } catch (IOException e) {
                    // the same: the parent is gone
                }
                Runtime.getRuntime().halt(0); // as kill() does; a temporary cluster has nothing to save
            }, "heomdm-parent-watch");
            watch.setDaemon(true);
            watch.start();
            kafka.Kafka.main(args);
        }
    }

    private static void waitFor(Process p, Duration timeout) {
        try {
            p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
