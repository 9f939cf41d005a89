package io.heomdm.app;

import io.heomdm.bench.BenchPlan;
import io.heomdm.bench.Benchmark;
import io.heomdm.bench.SetUp;
import io.heomdm.bench.WorkerThroughput;
import io.heomdm.taskqueue.SqsSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code heomdm bench}: measurements on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Queue.class, BenchCommand.DecisionsRate.class, BenchCommand.GatewayRate.class,
        BenchCommand.ExactlyOnce.class, BenchCommand.SoakRun.class, BenchCommand.DeduplicationRate.class,
        BenchCommand.PlatformRate.class},
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
    @Option(names = "--out", description = "report directory (default bench-results/<date-time>)")
    Path out;
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
        Path dir = out != null ? out : Path.of("bench-results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
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

    @Command(name = "queue", mixinStandardHelpOptions = true,
            description = "The task worker container against a plain AWS-SDK loop (receive 10, delete 10) on an embedded ElasticMQ, "
                    + "2 KB tasks, same producer; alternating runs, medians.")
    static final class Queue implements Callable<Integer> {
        @Option(names = "--tasks", defaultValue = "20000", description = "tasks per run (default ${DEFAULT-VALUE})")
        int tasks;
        @Option(names = "--repetitions", defaultValue = "3", description = "runs of each (default ${DEFAULT-VALUE})")
        int repetitions;

        @Override
        public Integer call() throws Exception {
            var out = System.out;
            out.printf("worker container vs plain SDK loop: %d tasks x %d repetitions (figures from a local SQS-compatible server, not AWS)%n",
                    tasks, repetitions);
            WorkerThroughput.Result r = new WorkerThroughput().run(tasks, repetitions, out);
            out.printf("plain SDK loop:   median %.0f tasks/s %s%n", r.plainMedian(), Arrays.toString(round(r.plain())));
            out.printf("worker container: median %.0f tasks/s %s%n", r.containerMedian(), Arrays.toString(round(r.container())));
            out.printf("ratio container/plain: %.2f%n", r.ratio());
            return 0;
        }

        private static long[] round(double[] values) {
            return Arrays.stream(values).mapToLong(Math::round).toArray();
        }
    }

    @Command(name = "decisions", mixinStandardHelpOptions = true,
            description = "Inputs per second the decision services take in on an embedded broker: pricing on closed demand windows, "
                    + "recommendations and then the campaign journeys on simulated market activity (2 KB events). Inputs are written first, "
                    + "then drained.")
    static final class DecisionsRate implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "100000", description = "market events for recommendations (default ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--windows", defaultValue = "20000", description = "demand windows for pricing (default ${DEFAULT-VALUE})")
        int windows;

        @Override
        public Integer call() throws Exception {
            inTempDirectory("heomdm-bench-decisions", dir -> {
                var r = DecisionsThroughput.run(events, windows, dir, System.out);
                System.out.printf("pricing:         %,d windows, %.0f cycles/s%n", r.windows(), r.cyclesPerSecond());
                System.out.printf("recommendations: %,d events, %.0f events/s%n", r.events(), r.eventsPerSecond());
                System.out.printf("journeys:        %,d events, %.0f events/s%n", r.events(), r.journeyEventsPerSecond());
            });
            return 0;
        }
    }

    @Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "Events per second through the API (NDJSON batches of simulated 2 KB events, a real API key checked against the "
                    + "database, rate limiting on) against the platform's producer publishing the same events straight to the same embedded "
                    + "broker; alternating runs, medians, and the p99 of the 202.")
    static final class GatewayRate implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "100000", description = "events per run (default ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--batch", defaultValue = "100", description = "events per request (default ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--in-flight", defaultValue = "8", description = "requests in flight at once (default ${DEFAULT-VALUE})")
        int inFlight;
        @Option(names = "--warm-up", defaultValue = "3", description = "unmeasured runs of each first, for the JIT (default ${DEFAULT-VALUE})")
        int warmUps;
        @Option(names = "--repetitions", defaultValue = "3", description = "measured runs of each (default ${DEFAULT-VALUE})")
        int repetitions;

        @Override
        public Integer call() throws Exception {
            inTempDirectory("heomdm-bench-gateway", dir -> {
                var r = GatewayThroughput.run(events, batch, inFlight, warmUps, repetitions, dir, System.out);
                System.out.printf("direct producer: median %,.0f events/s %s%n", r.directMedian(), Arrays.toString(Arrays.stream(r.direct()).mapToLong(Math::round).toArray()));
                System.out.printf("gateway:         median %,.0f events/s %s, p99 of the 202 %.1f ms (batches of %d, %d in flight)%n", r.gatewayMedian(),
                        Arrays.toString(Arrays.stream(r.gateway()).mapToLong(Math::round).toArray()), r.p99Median(), batch, inFlight);
                System.out.printf("ratio gateway/direct: %.2f (goal >= 0.8)%n", r.ratio());
                System.out.printf("CPU per event (the whole process, broker included): direct %.1f µs, gateway %.1f µs; the direct producer kept "
                        + "%.2f of %d cores busy; with all %4$d busy the gateway could reach at most %.2f of its rate%n", GatewayThroughput.median(r.directCpu()),
                        GatewayThroughput.median(r.gatewayCpu()), GatewayThroughput.median(r.directBusy()), r.cores(), r.ceilingRatio());
                System.out.print(JsonFloor.describe(r.jsonFloor(), GatewayThroughput.median(r.directCpu())));
            });
            return 0;
        }
    }

    @Command(name = "exactly-once", mixinStandardHelpOptions = true,
            description = {"A Jepsen-style check on three brokers in child processes (replication 3, min.insync 2): clients post orders "
                    + "through the API with retries and deliberate resends while the activity log's leader is SIGKILLed and brought back, "
                    + "again and again; then the log and every customer's profile are counted: acknowledged orders lost, orders counted "
                    + "twice, orders out of order. Exit status 1 unless all three are 0."})
    static final class ExactlyOnce implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "100000", description = "orders to post at least (default ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--kills", defaultValue = "20", description = "leader kills (default ${DEFAULT-VALUE})")
        int kills;

        @Override
        public Integer call() throws Exception {
            var result = new ExactlyOnceCheck.Result[1];
            inTempDirectory("heomdm-exactly-once", dir -> result[0] = ExactlyOnceCheck.run(ExactlyOnceCheck.Plan.of(events, kills), dir, System.out));
            var r = result[0];
            System.out.printf("%d leader kills in %d s; %,d orders acknowledged, %,d posts, %,d sent more than once (%.1f %%), %,d answered 503%n",
                    r.kills(), r.elapsed().toSeconds(), r.acknowledged(), r.posts(), r.resent(), 100.0 * r.resent() / r.acknowledged(), r.answered503());
            System.out.printf("lost from the log %d, lost from the profiles %d, counted twice %d, out of order %d: %s%n", r.lostInLog(),
                    r.lostInProfiles(), r.countedTwice(), r.inversions(), r.holds() ? "exactly once" : "VIOLATED");
            return r.holds() ? 0 : 1;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"A steady market of orders through the API for a long time on three brokers in child processes (replication 3, "
                    + "min.insync 2), the activity log's leader SIGKILLed every --kill-every seconds and brought back. Samples the rate, the "
                    + "Streams applications' lag and the heap after GC; then counts the log and every profile. Writes report.md, soak.csv and "
                    + "soak.png to --out. Exit status 1 unless nothing is lost or counted twice, the lag is back under 5 s within a minute of "
                    + "each kill, and the heap after GC stays within 10 % of its median from minute 10."})
    static final class SoakRun implements Callable<Integer> {
        @Option(names = "--minutes", defaultValue = "60", description = "how long (default ${DEFAULT-VALUE})")
        int minutes;
        @Option(names = "--rate", defaultValue = "200", description = "orders per second offered (default ${DEFAULT-VALUE})")
        int rate;
        @Option(names = "--kill-every", defaultValue = "300", description = "seconds between kills (default ${DEFAULT-VALUE})")
        int killEvery;
        @Option(names = "--out", description = "report directory (default bench-results/soak-<date-time>)")
        Path out;

        @Override
        public Integer call() throws Exception {
            var plan = Soak.Plan.of(Duration.ofMinutes(minutes), rate, Duration.ofSeconds(killEvery));
            var result = new Soak.Result[1];
            inTempDirectory("heomdm-soak", dir -> result[0] = Soak.run(plan, dir, System.out));
            Path dir = out != null ? out : Path.of("bench-results", "soak-" + java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-'));
            SoakReport.write(result[0], dir);
            System.out.print(SoakReport.markdown(result[0]));
            System.out.println("report: " + dir.resolve("report.md"));
            return result[0].holds() ? 0 : 1;
        }
    }

    @Command(name = "dedup", mixinStandardHelpOptions = true,
            description = "What remembering eventIds costs each Streams application: the platform's own topologies (default configuration) "
                    + "and a minimal one, each on the same simulated 2 KB market events with and without the deduplication stage, "
                    + "alternating runs on an embedded broker; medians, ratios and a chart.")
    static final class DeduplicationRate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--events", defaultValue = "50000", description = "market events per run (default ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--repetitions", defaultValue = "3", description = "runs of each (default ${DEFAULT-VALUE})")
        int repetitions;
        @Option(names = "--applications", split = ",", description = "which to measure (default: all): minimal, customers, demand, decisions, campaigns")
        List<String> applications;
        @Option(names = "--out", defaultValue = "bench-results", description = "where the chart dedup-cost.png goes (default ${DEFAULT-VALUE})")
        Path out;

        @Override
        public Integer call() throws Exception {
            var all = DeduplicationCost.subjects();
            List<String> names = applications == null ? List.copyOf(all.keySet()) : applications;
            for (String name : names) {
                if (!all.containsKey(name)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--applications: no application " + name
                            + "; one of " + all.keySet());
                }
            }
            inTempDirectory("heomdm-bench-dedup", dir -> {
                var result = DeduplicationCost.run(events, repetitions, names.stream().map(all::get).toList(), dir, System.out);
                System.out.print(DeduplicationCost.describe(result));
                Path chart = out.resolve("dedup-cost.png");
                DeduplicationCost.chart(result, chart);
                System.out.println("chart: " + chart);
            });
            return 0;
        }
    }

    @Command(name = "platform", mixinStandardHelpOptions = true,
            description = {"The real platform (every service on, the default configuration or --config) fed the seeded market at a ladder "
                    + "of rates: per rate, events delivered, every consumer group's lag over time, CPU per service, the latency from an event's "
                    + "intended send time to its effect on the output topics; the maximum sustainable rate. In the same run: Kafka's producer "
                    + "performance tool, a minimal exactly-once Streams application and each Streams application alone on the same events.",
                    "Writes report.md, platform.csv, results.json, lag.png and cpu.png to --out."})
    static final class PlatformRate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--quick", description = "the short profile for CI: 500 and 1500 events/s, 20 s each, a 10,000-event backlog")
        boolean quick;
        @Option(names = "--rates", split = ",", description = "events/s offered, in order (default 1000,2000,3000,5000,7500,10000,15000,20000,25000; "
                + "the ladder stops after the first rate not sustained)")
        List<Integer> rates;
        @Option(names = "--step", description = "seconds each rate is offered (default 60; --quick 20)")
        Integer step;
        @Option(names = "--via", defaultValue = "kafka", description = "kafka (straight to the topics) or api (NDJSON batches through the gateway) "
                + "(default ${DEFAULT-VALUE})")
        String via;
        @Option(names = "--backlog", description = "events written at once first, for the catch-up rate and the ceilings; 0 leaves the ceilings out "
                + "(default 100000; --quick 10000)")
        Integer backlog;
        @Option(names = "--no-ceilings", description = "leave the ceilings out (the backlog still warms the platform up)")
        boolean noCeilings;
        @Option(names = "--config", description = "YAML configuration of the platform (default: the embedded default)")
        Path config;
        @Option(names = "--out", description = "report directory (default bench-results/platform-<date-time>)")
        Path out;

        @Override
        public Integer call() throws Exception {
            if ((rates != null && rates.stream().anyMatch(r -> r <= 0)) || (step != null && step <= 0) || (backlog != null && backlog < 0)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--rates and --step must be positive and --backlog at least 0");
            }
            var plan = quick ? PlatformThroughput.Plan.quick() : PlatformThroughput.Plan.full();
            var v = switch (via) {
                case "kafka" -> PlatformThroughput.Via.KAFKA;
                case "api" -> PlatformThroughput.Via.API;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--via: kafka or api, not " + via);
            };
            plan = new PlatformThroughput.Plan(rates == null ? plan.rates() : rates, step == null ? plan.step() : Duration.ofSeconds(step), plan.settle(),
                    plan.drainLimit(), v, backlog == null ? plan.backlog() : backlog, plan.producerRecords(), plan.ceilings() && !noCeilings && (backlog == null || backlog > 0),
                    plan.allRates());
            Path dir = out != null ? out : Path.of("bench-results", "platform-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            var p = plan;
            PlatformThroughput.Result[] result = new PlatformThroughput.Result[1];
            inTempDirectory("heomdm-bench-platform", work -> result[0] = PlatformThroughput.run(p, Optional.ofNullable(config), work, System.out));
            PlatformReport.write(result[0], dir);
            System.out.print(PlatformReport.markdown(result[0]));
            System.out.println("report: " + dir.resolve("report.md"));
            return 0;
        }
    }

    interface InDirectory {
        void run(Path dir) throws Exception;
    }

    /** Runs a benchmark in a temporary directory (its broker's log), deleted afterwards. */
    static void inTempDirectory(String prefix, InDirectory action) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        try {
            action.run(dir);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
