package io.heomdm.app;

import io.heomdm.bench.BenchPlan;
import io.heomdm.bench.Benchmark;
import io.heomdm.bench.SetUp;
import io.heomdm.taskqueue.SqsSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code heomdm bench}: measurements on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {PartBenchCommands.Queue.class, PartBenchCommands.DecisionsRate.class,
        PartBenchCommands.GatewayRate.class, PartBenchCommands.DeduplicationRate.class, PlatformBenchCommands.PlatformRate.class,
        PlatformBenchCommands.ExactlyOnce.class, PlatformBenchCommands.SoakRun.class},
        description = {"Measure kafka-only, sqs-only, hybrid and kafka-queues on the same simulated market workload: open-loop load, "
                + "latency from each event's intended send time, raw Kafka and SQS ceilings in the same run. Writes report.md, CSV, JSON "
                + "and PNG charts to --out.", "Without --kafka / --sqs-endpoint it starts a local Kafka broker and ElasticMQ itself."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "the short profile: every set-up at 500 and 1000 events/s, once, 5 s each, and only Tables 3 and 4 "
            + "unless --parts says otherwise: under 3 minutes (CI)")
    boolean quick;
    @Option(names = "--parts", split = ",", description = "what to measure (default: all; --quick: throughput): throughput (Tables 3, 4), "
            + "faults (a broker of three killed, a worker of two killed), scale (one worker process, then two)")
    List<String> parts;
    @Option(names = "--task-latency", description = "simulated I/O per task in the fault and scale runs, in ms (default 50)")
    Integer taskLatency;
    @Option(names = "--setups", split = ",", description = "set-ups to run (default: all): kafka-only, sqs-only, hybrid, kafka-queues")
    List<String> setUps;
    @Option(names = "--rates", split = ",", description = "offered rates in events/s (default 5000,10000,25000,50000)")
    List<Integer> rates;
    @Option(names = "--warmup", description = "seconds of warm-up per run, not counted (default 10)")
    Integer warmup;
    @Option(names = "--duration", description = "measured seconds per run (default 30)")
    Integer duration;
    @Option(names = "--jit-warmup", description = "seconds of each warm-up round: before anything is measured, each set-up runs rounds at the "
            + "lowest rate until the JIT compilers are quiet (at most 9), not counted (default 20; --quick: 0)")
    Integer jitWarmup;

    @Option(names = "--repetitions", description = "runs of each point (default 3)")
    Integer repetitions;
    @Option(names = "--task-fraction", description = "fraction of events that cause a task (default 0.02)")
    Double taskFraction;
    @Option(names = "--event-bytes", description = "average event size in bytes, Avro-encoded (default 2048)")
    Integer eventBytes;
    @Mixin
    ReportDirectory out;
    @Option(names = "--kafka", description = "bootstrap servers of a Kafka cluster to measure instead of a local broker")
    String kafka;
    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "a property for every Kafka client of the set-ups, and for "
            + "Kafka's producer performance tool (security.protocol with --kafka, or tuning: compression.type=none); repeatable")
    Map<String, String> kafkaProperties = Map.of();
    @Option(names = "--sqs-endpoint", description = "an SQS endpoint URL, or \"aws\" for AWS itself (region and credentials from the AWS "
            + "default chain), instead of a local ElasticMQ")
    String sqsEndpoint;
    @Option(names = "--sqs-region", defaultValue = "us-east-1", description = "with --sqs-endpoint (default ${DEFAULT-VALUE})")
    String sqsRegion;

    @Override
    public Integer call() throws Exception {
        BenchPlan plan = quick ? BenchPlan.quick() : BenchPlan.full();
        if (setUps != null) {
            plan = plan.withSetUps(setUps.stream().map(SetUp::of).toList());
        }
        if (rates != null) {
            plan = plan.withRates(rates);
        }
        plan = plan.withWindow(warmup == null ? plan.warmup() : Duration.ofSeconds(warmup), duration == null ? plan.measured() : Duration.ofSeconds(duration),
                plan.drain());
        if (repetitions != null) {
            plan = plan.withRepetitions(repetitions);
        }
        if (jitWarmup != null) {
            plan = plan.withJitWarmup(Duration.ofSeconds(jitWarmup));
        }
        plan = plan.withWorkload(taskFraction == null ? plan.taskFraction() : taskFraction, eventBytes == null ? plan.eventBytes() : eventBytes);
        var t = plan.table5();
        var table5 = taskLatency == null ? t : new BenchPlan.Table5(t.brokerKillRate(), t.workerKillTaskRate(), t.scaleTaskRate(), t.workerConcurrency(),
                Duration.ofMillis(taskLatency), t.warmup(), t.faultWindow(), t.killAfter(), t.scaleWindow(), t.drain());
        plan = plan.withParts(parts == null ? plan.parts() : parts.stream().map(BenchPlan.Part::of).collect(Collectors.toSet()), table5);
        Path dir = out.orNew("bench");
        Optional<SqsSettings> sqs = Optional.ofNullable(sqsEndpoint).map(e -> new SqsSettings(
                e.equals("aws") ? Optional.empty() : Optional.of(URI.create(e)), sqsRegion, Optional.empty(), Optional.empty()));
        List<String> what = new java.util.ArrayList<>();
        if (plan.parts().contains(BenchPlan.Part.THROUGHPUT)) {
            what.add(String.format("throughput: %d set-up(s) x %d rate(s) x %d repetition(s), %d s + %d s each", plan.setUps().size(),
                    plan.rates().size(), plan.repetitions(), plan.warmup().toSeconds(), plan.measured().toSeconds()));
        }
        if (plan.parts().contains(BenchPlan.Part.FAULTS)) {
            what.add(String.format("faults: %d s windows, the kill after %d s", table5.faultWindow().toSeconds(), table5.killAfter().toSeconds()));
        }
        if (plan.parts().contains(BenchPlan.Part.SCALE)) {
            what.add(String.format("scale: 1 and 2 worker processes, %d s each", table5.scaleWindow().toSeconds()));
        }
        System.out.println("heomdm bench: " + String.join("; ", what));
        Benchmark.run(plan, dir, Optional.ofNullable(kafka), kafkaProperties, sqs, System.out);
        return 0;
    }

    interface InDirectory<R> {
        R run(Path dir) throws Exception;
    }

    /** Runs a benchmark in a temporary directory (its brokers' logs), deleted afterwards; what it measured. */
    static <R> R inTempDirectory(String prefix, InDirectory<R> action) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        try {
            return action.run(dir);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
