package io.heomdm.app;

import static io.heomdm.app.BenchCommand.inTempDirectory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code heomdm bench} subcommands that run the whole platform: its maximum sustainable rate, the exactly-once check, the soak. */
final class PlatformBenchCommands {
    private PlatformBenchCommands() {
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
        @Mixin
        ReportDirectory out;

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
            Path dir = out.orNew("platform");
            var p = plan;
            var result = inTempDirectory("heomdm-bench-platform", work -> PlatformThroughput.run(p, Optional.ofNullable(config), work, System.out));
            PlatformReport.write(result, dir);
            System.out.print(PlatformReport.markdown(result));
            System.out.println("report: " + dir.resolve("report.md"));
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
            var r = inTempDirectory("heomdm-exactly-once", dir -> ExactlyOnceCheck.run(ExactlyOnceCheck.Plan.of(events, kills), dir, System.out));
            System.out.printf("%d leader kills in %d s; %,d orders acknowledged, %,d posts, %,d sent more than once (%.1f %%), %,d answered 503%n",
                    r.kills(), r.elapsed().toSeconds(), r.acknowledged(), r.posts(), r.resent(), 100.0 * r.resent() / r.acknowledged(), r.answered503());
            System.out.printf("lost from the log %d, lost from the profiles %d, counted twice %d, out of order %d: %s%n", r.lostInLog(),
                    r.lostInProfiles(), r.countedTwice(), r.inversions(), r.holds() ? "exactly once" : "VIOLATED");
            return r.holds() ? 0 : 1;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"A steady market of orders through the API for a long time on three brokers in child processes (replication 3, "
                    + "min.insync 2), the activity log's leader SIGKILLed every --kill-every seconds and brought back, and a second instance of "
                    + "the platform in a child process (a worker process) SIGKILLed every --instance-kill-every seconds. Samples the rate, the "
                    + "Streams applications' lag and the heap after GC; then counts the log and every profile. Writes report.md, soak.csv and "
                    + "soak.png to --out. Exit status 1 unless nothing is lost or counted twice, the lag is back under 5 s within a minute of "
                    + "each kill, and the heap after GC stays within 10 %% of its median from minute 10."})
    static final class SoakRun implements Callable<Integer> {
        @Option(names = "--minutes", defaultValue = "60", description = "how long (default ${DEFAULT-VALUE})")
        int minutes;
        @Option(names = "--rate", defaultValue = "200", description = "orders per second offered (default ${DEFAULT-VALUE})")
        int rate;
        @Option(names = "--kill-every", defaultValue = "300", description = "seconds between broker kills (default ${DEFAULT-VALUE})")
        int killEvery;
        @Option(names = "--instance-kill-every", defaultValue = "420",
                description = "seconds between kills of the second instance; 0: the platform runs as one instance (default ${DEFAULT-VALUE})")
        int instanceKillEvery;
        @Mixin
        ReportDirectory out;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (minutes <= 0 || rate <= 0 || killEvery <= 0 || instanceKillEvery < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--minutes, --rate and --kill-every must be positive, --instance-kill-every 0 or more");
            }
            var plan = Soak.Plan.of(Duration.ofMinutes(minutes), rate, Duration.ofSeconds(killEvery), Duration.ofSeconds(instanceKillEvery));
            var result = inTempDirectory("heomdm-soak", dir -> Soak.run(plan, dir, System.out));
            Path dir = out.orNew("soak");
            SoakReport.write(result, dir);
            System.out.print(SoakReport.markdown(result));
            System.out.println("report: " + dir.resolve("report.md"));
            return result.holds() ? 0 : 1;
        }
    }
}
