package io.heomdm.bench;

import io.heomdm.embedded.EmbeddedKafkaCluster;
import io.heomdm.taskqueue.SqsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Table 5: a Kafka broker of three killed mid-run (SIGKILL of the leader of the events' partition
 * 0), a task worker of two killed mid-run, and one worker process against two. Recovery is read
 * off the delivered throughput over time; what was lost is counted by sequence number.
 */
final class Table5Runs {
    /** Recovery is read over sliding windows this long: one second is too noisy at a few hundred tasks/s (√n). */
    static final Duration RECOVERY_WINDOW = Duration.ofSeconds(5);

    /**
     * A broker-kill run's figures. {@code recovery}: from the kill until delivered events/s are back
     * to ≥ 90 % of offered; {@code longestWriteMs}: the longest an event waited for its acknowledgement.
     */
    record BrokerKill(SetUp setUp, int offered, int killedNode, Optional<Duration> recovery, long lost, long publishFailures, double longestWriteMs,
            long duplicates, double p99Ms, double maxMs, double[][] curve) {
    }

    /** Everything Table 5 measured; each list is empty when its part was not run. */
    record Result(List<BrokerKill> brokerKills, List<WorkerRuns.Result> workerKills, List<WorkerRuns.Result> scale) {
        static final Result NONE = new Result(List.of(), List.of(), List.of());
    }

    /** Reports each part as it is measured (the benchmark rewrites its report). */
    interface Listener {
        void measured(Result soFar) throws Exception;
    }

    private final BenchPlan plan;
    private final Progress progress;
    private final Listener listener;
    private final List<BrokerKill> brokerKills = new ArrayList<>();
    private final List<WorkerRuns.Result> workerKills = new ArrayList<>();
    private final List<WorkerRuns.Result> scale = new ArrayList<>();

    Table5Runs(BenchPlan plan, Progress progress, Listener listener) {
        this.plan = plan;
        this.progress = progress;
        this.listener = listener;
    }

    Result result() {
        return new Result(List.copyOf(brokerKills), List.copyOf(workerKills), List.copyOf(scale));
    }

    /** Kills a broker in a cluster of three this starts, for each set-up whose events travel on Kafka. */
    void brokerKills(SqsSettings sqs, Map<String, String> kafkaProperties) throws Exception {
        List<SetUp> setUps = plan.setUps().stream().filter(s -> s != SetUp.SQS_ONLY).toList();
        if (setUps.isEmpty()) {
            return;
        }
        progress.note("starting a Kafka cluster of three brokers (RF 3, min.insync.replicas 2), each in its own JVM");
        Path dir = Files.createTempDirectory("heomdm-bench-cluster");
        try (var cluster = EmbeddedKafkaCluster.start(dir, 3, "512m")) {
            var servers = new Harness.Servers(cluster.bootstrapServers(), kafkaProperties, (short) 3, 2, sqs, cluster::cpuTime, () -> java.time.Duration.ZERO);
            awaitGroupCoordinator(cluster.bootstrapServers());
            for (SetUp setUp : setUps) {
                var t = plan.table5();
                progress.step(setUp.id() + " at " + t.brokerKillRate() + " events/s, partition leader killed after " + t.killAfter().toSeconds() + " s");
                var fault = new LeaderKill(cluster, t.killAfter());
                var run = new Harness(plan.brokerKillRun(setUp), servers, progress).run(setUp, t.brokerKillRate(), 1, Optional.of(fault));
                fault.heal();
                if (run.faultAt() == 0) {
                    throw new IllegalStateException("the broker was not killed in the " + setUp.id() + " run");
                }
                var r = new BrokerKill(setUp, t.brokerKillRate(), fault.killed,
                        run.timeline().recovery(run.faultAt(), run.producerStoppedAt(), t.brokerKillRate(), 0.9, RECOVERY_WINDOW), run.eventsMissing() + run.tasksMissing(),
                        run.publishFailures(), run.longestAckMs(), run.duplicates(), run.p99Ms(), run.maxMs(),
                        run.timeline().curve(run.faultAt() - t.killAfter().toNanos(), run.producerStoppedAt(), run.faultAt()));
                brokerKills.add(r);
                progress.done(String.format("%s: broker %d killed, writes stalled at most %.1f s, recovered in %s, %d lost", setUp.id(), r.killedNode(),
                        r.longestWriteMs() / 1000, seconds(r.recovery()), r.lost()));
                listener.measured(result());
            }
        } finally {
            Benchmark.deleteTree(dir);
        }
    }

    /**
     * The first consumer group on a new cluster creates {@code __consumer_offsets} (50 partitions,
     * RF 3), which on a small machine takes seconds: done here, not in the first run's window.
     */
    private static void awaitGroupCoordinator(String bootstrap) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "group.id", "bench-cluster-warm-up"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.committed(Set.of(new TopicPartition("bench-cluster-warm-up", 0)), Duration.ofSeconds(60));
        }
    }

    /** One worker process of two killed, per task transport. */
    void workerKills(WorkerRuns runs) throws Exception {
        var t = plan.table5();
        for (var transport : transports()) {
            progress.step("tasks on " + transport.label + ": one worker process of two killed after " + t.killAfter().toSeconds() + " s");
            var r = runs.run(transport, new WorkerRuns.Settings(t.workerKillTaskRate(), 2, t.workerConcurrency(), t.taskLatency(), t.warmup(),
                    t.faultWindow(), Optional.of(t.killAfter()), t.drain()));
            workerKills.add(r);
            progress.done(String.format("%s: recovered in %s, %d lost, %d duplicates", transport.label, seconds(r.recovery()), r.lost(), r.duplicates()));
            listener.measured(result());
        }
    }

    /** One worker process, then two, per task transport. */
    void scale(WorkerRuns runs) throws Exception {
        var t = plan.table5();
        for (var transport : transports()) {
            for (int processes = 1; processes <= 2; processes++) {
                progress.step("tasks on " + transport.label + ": " + processes + " worker process(es) at " + (int) t.scaleTaskRate() + " tasks/s, "
                        + t.taskLatency().toMillis() + " ms each");
                var r = runs.run(transport, new WorkerRuns.Settings(t.scaleTaskRate(), processes, t.workerConcurrency(), t.taskLatency(), t.warmup(),
                        t.scaleWindow(), Optional.empty(), t.drain()));
                scale.add(r);
                progress.done(String.format("%s, %d process(es): %.0f tasks/s", transport.label, processes, r.done()));
                listener.measured(result());
            }
        }
    }

    private List<Transports.TaskTransport> transports() {
        return plan.setUps().stream().map(Transports.TaskTransport::of).distinct().toList();
    }

    static String seconds(Optional<Duration> d) {
        return d.map(v -> String.format(java.util.Locale.ROOT, "%.1f s", v.toMillis() / 1000.0)).orElse("not recovered in the window");
    }

    /** SIGKILL of the broker leading partition 0 of the run's events topic; heal restarts it and waits until the cluster has three again. */
    private static final class LeaderKill implements Harness.Fault {
        private final EmbeddedKafkaCluster cluster;
        private final Duration after;
        volatile int killed = -1;

        LeaderKill(EmbeddedKafkaCluster cluster, Duration after) {
            this.cluster = cluster;
            this.after = after;
        }

        @Override
        public Duration after() {
            return after;
        }

        @Override
        public void inject(String runId) throws Exception {
            String topic = "bench." + runId + ".events";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                killed = description.partitions().get(0).leader().id();
            }
            cluster.kill(killed);
        }

        @Override
        public void heal() {
            if (killed > 0 && !cluster.isAlive(killed)) {
                cluster.restart(killed);
                cluster.awaitAllNodes(Duration.ofSeconds(90));
            }
        }
    }
}
