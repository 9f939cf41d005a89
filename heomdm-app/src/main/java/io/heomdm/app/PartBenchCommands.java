package io.heomdm.app;

import static io.heomdm.app.BenchCommand.inTempDirectory;

import io.heomdm.bench.WorkerThroughput;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code heomdm bench} subcommands that measure one part on its own: the task worker, the decision services, the gateway, deduplication. */
final class PartBenchCommands {
    private PartBenchCommands() {
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
            var r = inTempDirectory("heomdm-bench-decisions", dir -> DecisionsThroughput.run(events, windows, dir, System.out));
            System.out.printf("pricing:         %,d windows, %.0f cycles/s%n", r.windows(), r.cyclesPerSecond());
            System.out.printf("recommendations: %,d events, %.0f events/s%n", r.events(), r.eventsPerSecond());
            System.out.printf("journeys:        %,d events, %.0f events/s%n", r.events(), r.journeyEventsPerSecond());
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
            var r = inTempDirectory("heomdm-bench-gateway", dir -> GatewayThroughput.run(events, batch, inFlight, warmUps, repetitions, dir, System.out));
            System.out.printf("direct producer: median %,.0f events/s %s%n", r.directMedian(), Arrays.toString(Arrays.stream(r.direct()).mapToLong(Math::round).toArray()));
            System.out.printf("gateway:         median %,.0f events/s %s, p99 of the 202 %.1f ms (batches of %d, %d in flight)%n", r.gatewayMedian(),
                    Arrays.toString(Arrays.stream(r.gateway()).mapToLong(Math::round).toArray()), r.p99Median(), batch, inFlight);
            System.out.printf("ratio gateway/direct: %.2f (goal >= 0.8)%n", r.ratio());
            System.out.printf("CPU per event (the whole process, broker included): direct %.1f µs, gateway %.1f µs; the direct producer kept "
                    + "%.2f of %d cores busy; with all %4$d busy the gateway could reach at most %.2f of its rate%n", GatewayThroughput.median(r.directCpu()),
                    GatewayThroughput.median(r.gatewayCpu()), GatewayThroughput.median(r.directBusy()), r.cores(), r.ceilingRatio());
            System.out.print(JsonFloor.describe(r.jsonFloor(), GatewayThroughput.median(r.directCpu())));
            return 0;
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
            var result = inTempDirectory("heomdm-bench-dedup", dir -> DeduplicationCost.run(events, repetitions, names.stream().map(all::get).toList(), dir,
                    System.out));
            System.out.print(DeduplicationCost.describe(result));
            Path chart = out.resolve("dedup-cost.png");
            DeduplicationCost.chart(result, chart);
            System.out.println("chart: " + chart);
            return 0;
        }
    }
}
