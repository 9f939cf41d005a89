package io.heomdm.bench;

import io.heomdm.embedded.EmbeddedKafkaCluster;
import io.heomdm.embedded.EmbeddedSqsProcess;
import io.heomdm.taskqueue.SqsSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code heomdm bench}: starts the servers it is not given (a Kafka broker in a JVM of its own, so
 * its CPU can be told from the harness's; an in-memory ElasticMQ, also in its own JVM), measures the raw ceilings, runs
 * every set-up of the plan, and writes the report.
 */
public final class Benchmark {
    private Benchmark() {
    }

    /**
     * @param kafka a cluster to use instead of the local broker
     * @param sqs   an SQS endpoint (or AWS) to use instead of the local ElasticMQ
     * @return the report's directory
     */
    public static Path run(BenchPlan plan, Path out, Optional<String> kafka, Map<String, String> kafkaProperties, Optional<SqsSettings> sqs,
            PrintStream console) throws Exception {
        Files.createDirectories(out);
        var progress = new Progress(console, plan.runs() + 2);
        EmbeddedKafkaCluster broker = null;
        EmbeddedSqsProcess elasticMq = null;
        Path kafkaData = null;
        try {
            String bootstrap;
            if (kafka.isPresent()) {
                bootstrap = kafka.get();
            } else {
                progress.note("starting a Kafka broker (KRaft) and ElasticMQ (in memory), each in its own JVM");
                kafkaData = Files.createTempDirectory("heomdm-bench-kafka");
                broker = EmbeddedKafkaCluster.start(kafkaData, 1, "1g");
                bootstrap = broker.bootstrapServers();
            }
            SqsSettings sqsSettings;
            if (sqs.isPresent()) {
                sqsSettings = sqs.get();
            } else {
                elasticMq = EmbeddedSqsProcess.start("1g", out.resolve("elasticmq.log"));
                sqsSettings = SqsSettings.local(elasticMq.endpoint());
            }
            EmbeddedKafkaCluster measuredBroker = broker;
            EmbeddedSqsProcess measuredSqs = elasticMq;
            Supplier<Duration> brokerCpu = () -> measuredBroker == null ? Duration.ZERO : measuredBroker.cpuTime();
            Supplier<Duration> sqsCpu = () -> measuredSqs == null ? Duration.ZERO : measuredSqs.cpuTime();
            var servers = kafka.isPresent() ? replicated(bootstrap, kafkaProperties, sqsSettings, brokerCpu, sqsCpu)
                    : Harness.Servers.singleBroker(bootstrap, kafkaProperties, sqsSettings, brokerCpu, sqsCpu);
            var ceilings = Ceilings.measure(servers, plan.ceilingRecords(), plan.seed(), out, progress);
            var env = new Report.Environment(machine(),
                    kafka.map(k -> "external cluster " + k).orElse("one local KRaft broker (Kafka " + kafkaVersion() + ")")
                            + (kafkaProperties.isEmpty() ? "" : "; client properties " + io.heomdm.eventlog.KafkaSettings.redacted(kafkaProperties)),
                    sqs.isPresent() ? sqsSettings.endpoint().map(Object::toString).orElse("AWS " + sqsSettings.region())
                            : "local ElasticMQ, in memory, in its own JVM (an SQS-compatible server: not AWS's figures)", plan);
            var report = new Object() {
                List<Harness.Run> runs = List.of();
                Table5Runs.Result table5 = Table5Runs.Result.NONE;

                void write() throws java.io.IOException {
                    Report.write(out, env, ceilings, runs, table5);
                }
            };
            if (plan.parts().contains(BenchPlan.Part.THROUGHPUT)) {
                new Harness(plan, servers, progress).runAll(runs -> {
                    report.runs = runs;
                    report.write();
                });
            }
            var table5 = new Table5Runs(plan, progress, r -> {
                report.table5 = r;
                report.write();
            });
            var workers = new WorkerRuns(servers, plan.partitions(), plan.seed(), Files.createDirectories(out.resolve("worker-logs")));
            if (plan.parts().contains(BenchPlan.Part.FAULTS)) {
                if (kafka.isPresent()) {
                    progress.note("broker kill skipped: the harness kills only brokers it started itself");
                } else {
                    table5.brokerKills(sqsSettings, kafkaProperties);
                }
                table5.workerKills(workers);
            }
            if (plan.parts().contains(BenchPlan.Part.SCALE)) {
                table5.scale(workers);
            }
            report.write();
            console.println("report: " + out.resolve("report.md").toAbsolutePath());
            return out;
        } finally {
            if (elasticMq != null) {
                elasticMq.close();
            }
            if (broker != null) {
                broker.close();
                deleteTree(kafkaData);
            }
        }
    }

    /** An external cluster: replication 3 and min ISR 2 where it has three brokers, less where it has fewer. */
    private static Harness.Servers replicated(String bootstrap, Map<String, String> kafkaProperties, SqsSettings sqs, Supplier<Duration> brokerCpu,
            Supplier<Duration> sqsCpu) throws Exception {
        var single = Harness.Servers.singleBroker(bootstrap, kafkaProperties, sqs, brokerCpu, sqsCpu);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(single.adminProperties())) {
            int brokers = admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS).size();
            short rf = (short) Math.min(3, brokers);
            return new Harness.Servers(bootstrap, kafkaProperties, rf, Math.min(2, rf), sqs, brokerCpu, sqsCpu);
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String machine() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean m ? m.getTotalMemorySize() : 0;
        return String.format("%d cores, %d GiB, %s %s, Java %s", Runtime.getRuntime().availableProcessors(), memory >> 30, os.getName(),
                os.getArch(), Runtime.version());
    }

    /** The Kafka client's version, from the properties file its jar carries (its own accessor is internal since 4.4). */
    static String kafkaVersion() {
        try (var in = org.apache.kafka.clients.producer.KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            var p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
