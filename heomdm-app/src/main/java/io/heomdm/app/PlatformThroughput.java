package io.heomdm.app;

import io.heomdm.bench.BrokerRequests;
import io.heomdm.bench.Ceilings;
import io.heomdm.bench.ConsumerLag;
import io.heomdm.bench.LogWrites;
import io.heomdm.bench.Progress;
import io.heomdm.bench.ThreadCpu;
import io.heomdm.bench.market.MarketFeed;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.streams.Deduplicator;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code heomdm bench platform}: the real platform (every service on, its configuration) driven by
 * the seeded market simulator at a ladder of rates, straight to Kafka or through the API. Per rate:
 * events delivered, every consumer group's lag over time, CPU per service, the latency from an
 * event's intended send time to its effect on the services' output topics, and whether the rate is
 * sustained; the maximum sustainable rate is the highest one that is. In the same run, the
 * ceilings: Kafka's producer performance tool, a minimal exactly-once Streams application (a count
 * per customer in RocksDB) and each of the platform's own Streams applications alone, all on the
 * same events.
 */
final class PlatformThroughput {
    private static final Map<String, String> GROUPS = PlatformServices.GROUPS;

    /** How far behind, in events at the offered rate, a group may be at the end of a sustained step. */
    private static final Duration BEHIND = Duration.ofSeconds(5);

    /** Where the simulated market goes in. */
    enum Via {
        KAFKA, API
    }

    /**
     * @param rates       offered events/s, in order; the ladder stops after the first one not sustained unless {@code allRates}
     * @param step        how long each rate is offered
     * @param settle      after a step, how long every group has to catch up for the rate to count as sustained
     * @param drainLimit  how long a step's backlog may take to drain before the run gives up on it
     * @param backlog     events written at once before the ladder: the platform's catch-up rate, and the log the ceilings read
     * @param ceilings    whether to measure the ceilings (on the backlog)
     */
    record Plan(List<Integer> rates, Duration step, Duration settle, Duration drainLimit, Via via, int backlog, int producerRecords,
            boolean ceilings, boolean allRates) {
        static Plan quick() {
            return new Plan(List.of(500, 1500), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(90), Via.KAFKA, 10_000,
                    20_000, true, true);
        }

        static Plan full() {
            return new Plan(List.of(1000, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 25_000), Duration.ofSeconds(60), Duration.ofSeconds(10),
                    Duration.ofMinutes(5), Via.KAFKA, 100_000, 500_000, true, false);
        }
    }

    /** One rate offered: what went in, how far behind each group fell, what it cost, how long effects took. */
    record Step(int rate, Via via, long sent, long accepted, long failed, double deliveredPerSecond, Map<String, Long> maxLag,
            Map<String, Double> maxSecondsBehind, Map<String, Long> lagAtEnd, double drainSeconds, Optional<String> notSustained, Map<String, Double> cores,
            Map<String, Effects.Latency> latency, Map<String, LogWrites.Written> written, Map<String, Double> brokerRequests) {
        boolean sustained() {
            return notSustained.isEmpty();
        }
    }

    /** The run's ceilings, events/s: the machine's and each application's alone. */
    record Limits(double producer, double streams, double platformCatchUp, Map<String, Double> applications) {
    }

    record LagSample(double seconds, int rate, Map<String, Long> lag) {
    }

    /**
     * @param takenIn  per group reading market.activity.v1, the records it has taken in from there (its committed offsets)
     * @param activity the records in market.activity.v1 (its end offsets, transaction markers included)
     * @param caughtUp whether every group had caught up with the whole log at the end
     */
    record Result(Plan plan, Limits limits, List<Step> steps, List<LagSample> timeline, Map<String, Long> takenIn, long activity, boolean caughtUp) {
        OptionalInt maxSustainable() {
            return steps.stream().filter(Step::sustained).mapToInt(Step::rate).max();
        }
    }

    static Result run(Plan plan, Optional<Path> config, Path dir, PrintStream out) throws Exception {
        int steps = 2 + plan.rates().size() + (plan.backlog() > 0 ? 1 : 0) + (plan.ceilings() ? 1 + DeduplicationCost.subjects().size() : 0);
        var progress = new Progress(out, steps);
        progress.step("starting the platform (every service on)");
        var env = new java.util.HashMap<>(System.getenv());
        env.putAll(Map.of("HEOMDM_DATA_DIR", dir.resolve("platform").toString(), "HEOMDM_HTTP_PORT", "0", "HEOMDM_KAFKA_EMBEDDED_PORT", "0",
                "HEOMDM_SQS_EMBEDDED_PORT", "0", "HEOMDM_SMTP_EMBEDDED_PORT", "0"));
        HeomdmConfig cfg = ConfigLoader.load(config, env);
        var cpu = new ThreadCpu(PlatformServices::serviceOf);
        Result result;
        try (var platform = Platform.start(cfg);
                var admin = Admin.create(Map.of("bootstrap.servers", platform.kafkaBootstrapServers()));
                var publisher = new KafkaEventPublisher(Settings.kafka(cfg, platform.kafkaBootstrapServers()), "heomdm-bench-feed");
                var effects = Effects.start(platform.kafkaBootstrapServers())) {
            progress.done("platform up");
            var kafka = Settings.kafka(cfg, platform.kafkaBootstrapServers());
            var lag = new ConsumerLag(admin);
            MarketSimulator simulator = SimulateCommand.simulator(42, 20_000, 5_000, 2_048);
            Limits limits = new Limits(Double.NaN, Double.NaN, Double.NaN, Map.of());
            // the catalogue first, as a shop publishes it before its first visitor; the steps send market events only
            simulator.catalogue(java.time.Instant.now()).stream().map(e -> publisher.publish(MarketTopics.CATALOG, e)).toList()
                    .forEach(java.util.concurrent.CompletableFuture::join);
            if (plan.backlog() > 0) {
                progress.step("a backlog of " + plan.backlog() + " events at once: the platform's catch-up rate");
                long t0 = System.nanoTime();
                long written = backlog(publisher, simulator, plan.backlog());
                awaitCaughtUp(lag, plan.drainLimit());
                double catchUp = written / ((System.nanoTime() - t0) / 1e9);
                progress.done(String.format("%,.0f events/s with every service on", catchUp));
                limits = plan.ceilings() ? ceilings(plan, kafka, admin, dir, catchUp, progress)
                        : new Limits(Double.NaN, Double.NaN, catchUp, Map.of());
            }
            List<Step> done = new ArrayList<>();
            List<LagSample> timeline = new ArrayList<>();
            long runStart = System.nanoTime();
            for (int rate : plan.rates()) {
                progress.step(rate + " events/s for " + plan.step().toSeconds() + " s " + (plan.via() == Via.API ? "through the API" : "straight to Kafka"));
                Step step = offer(plan, rate, platform, admin, publisher, simulator, lag, cpu, effects, timeline, runStart);
                done.add(step);
                progress.done(String.format("%s: %,.0f events/s delivered, max lag %,d, drained in %.1f s",
                        step.notSustained().map(why -> "NOT sustained (" + why + ")").orElse("sustained"),
                        step.deliveredPerSecond(), step.maxLag().values().stream().mapToLong(Long::longValue).max().orElse(0), step.drainSeconds()));
                if (!step.sustained() && !plan.allRates()) {
                    break;
                }
            }
            boolean caughtUp = awaitCaughtUp(lag, plan.drainLimit()) < Double.POSITIVE_INFINITY;
            var end = lag.read(GROUPS.values(), MarketTopics.ACTIVITY.name());
            Map<String, Long> takenIn = new LinkedHashMap<>();
            GROUPS.forEach((name, group) -> {
                if (end.get(group).committedOn() > 0) {
                    takenIn.put(name, end.get(group).committedOn());
                }
            });
            long activity = ConsumerLag.endOffsets(admin, MarketTopics.ACTIVITY.name());
            result = new Result(plan, limits, done, timeline, takenIn, activity, caughtUp);
            progress.step("stopping the platform");
        }
        progress.done("stopped");
        return result;
    }

    private static Step offer(Plan plan, int rate, Platform platform, Admin admin, KafkaEventPublisher publisher, MarketSimulator simulator, ConsumerLag lag,
            ThreadCpu cpu, Effects effects, List<LagSample> timeline, long runStart) throws Exception {
        MarketFeed.Target target = plan.via() == Via.API
                ? new MarketFeed.Gateway(URI.create("http://127.0.0.1:" + platform.gatewayPort()), 100,
                        platform.issueKey("bench-" + rate, java.util.Set.of("events:write"), Edge.postableTypes()))
                : new MarketFeed.Kafka(publisher);
        Map<String, Long> maxLag = new TreeMap<>();
        Map<String, Long> cpuBefore = cpu.sample();
        var logBefore = LogWrites.snapshot(admin);
        var requestsBefore = BrokerRequests.snapshot();
        effects.reset();
        long start = System.nanoTime();
        var quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        MarketFeed.Counts counts;
        Map<String, List<Long>> behindOnInput = new TreeMap<>();
        try (var feed = new MarketFeed(simulator, target, rate, quiet).withoutCatalogue().start(plan.step())) {
            while (System.nanoTime() - start < plan.step().toNanos()) {
                Thread.sleep(1000);
                var positions = lag.read(GROUPS.values(), MarketTopics.ACTIVITY.name());
                Map<String, Long> now = named(positions);
                now.forEach((g, l) -> maxLag.merge(g, l, Math::max));
                timeline.add(new LagSample((System.nanoTime() - runStart) / 1e9, rate, now));
                GROUPS.forEach((name, group) -> behindOnInput.computeIfAbsent(name, k -> new ArrayList<>()).add(inputLag(positions.get(group))));
            }
            feed.await();
            counts = feed.counts(0);
        }
        long fed = System.nanoTime();
        Map<String, Double> cores = ThreadCpu.cores(cpuBefore, cpu.sample(), fed - start);
        Map<String, Double> requests = BrokerRequests.perSecond(requestsBefore, BrokerRequests.snapshot(), fed - start);
        Map<String, Long> lagAtEnd = named(lag.read(GROUPS.values(), MarketTopics.ACTIVITY.name()));
        double drain = awaitCaughtUp(lag, plan.drainLimit());
        var written = LogWrites.between(logBefore, LogWrites.snapshot(admin)); // the drain is these events' work too
        long sent = counts.accepted() + counts.failed() + counts.refused();
        double delivered = counts.accepted() / (plan.step().toNanos() / 1e9);
        // bounded: no group more than BEHIND of events behind on its input over the last quarter of the step (one that falls
        // behind by a tenth of the rate is there within a minute); exactly-once groups commit in steps, so single samples jump
        Optional<String> behind = behindOnInput.entrySet().stream().filter(e -> average(lastQuarter(e.getValue())) > BEHIND.toSeconds() * rate)
                .map(e -> String.format("%s %.1f s behind", e.getKey(), average(lastQuarter(e.getValue())) / rate)).reduce((a, b) -> a + ", " + b);
        Optional<String> notSustained = counts.failed() > 0 ? Optional.of(counts.failed() + " events not accepted")
                : delivered < 0.95 * rate ? Optional.of(String.format("only %.0f events/s delivered", delivered))
                : behind.isPresent() ? behind
                : drain > plan.settle().toSeconds() ? Optional.of(String.format("caught up only %.1f s after the step", drain))
                : Optional.empty();
        Map<String, Double> secondsBehind = new TreeMap<>();
        behindOnInput.forEach((g, lags) -> secondsBehind.put(g, lags.stream().mapToLong(Long::longValue).max().orElse(0) / (double) rate));
        return new Step(rate, plan.via(), sent, counts.accepted(), counts.failed(), delivered, maxLag, secondsBehind, lagAtEnd, drain, notSustained, cores,
                effects.latencies(), written, requests);
    }

    /** {@code events} market events, each on its topic, all sent before any is awaited. */
    private static long backlog(KafkaEventPublisher publisher, MarketSimulator simulator, int events) {
        var sent = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (long seq = 0; seq < events; seq++) {
            var e = simulator.next(seq, java.time.Instant.now());
            sent.add(publisher.publish(MarketTopics.forType(e.envelope().type()).orElseThrow(), e));
        }
        java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        return events;
    }

    /** Records behind on what comes in: market.activity.v1 for the groups that read it, everything for the others. */
    private static long inputLag(ConsumerLag.Position p) {
        return p.committedOn() > 0 ? p.lagOn() : p.lag();
    }

    private static List<Long> lastQuarter(List<Long> values) {
        return values.subList(3 * values.size() / 4, values.size());
    }

    private static double average(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElse(0);
    }

    /** Seconds until every group has caught up; infinity when {@code limit} passed first. */
    private static double awaitCaughtUp(ConsumerLag lag, Duration limit) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            if (lag.read(GROUPS.values(), MarketTopics.ACTIVITY.name()).values().stream().allMatch(ConsumerLag.Position::caughtUp)) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(250);
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The producer tool, the minimal Streams application and each of the platform's alone, on the backlog just written. */
    private static Limits ceilings(Plan plan, KafkaSettings kafka, Admin admin, Path dir, double catchUp, Progress progress) throws Exception {
        progress.step("ceiling: Kafka's ProducerPerformance, " + plan.producerRecords() + " records");
        Path work = Files.createDirectories(dir.resolve("ceilings"));
        double producer = Ceilings.producerPerformance(kafka, plan.producerRecords(), 7, work);
        progress.done(String.format("%,.0f records/s", producer));
        Map<String, Double> applications = new LinkedHashMap<>();
        for (var subject : DeduplicationCost.subjects().values()) {
            progress.step("ceiling: " + subject.name() + " alone, from the start of the log");
            double rate = DeduplicationCost.drain(admin, kafka, work, subject, "ceiling", Deduplicator.Window.DEFAULT);
            applications.put(subject.name(), rate);
            progress.done(String.format("%,.0f events/s", rate));
        }
        double streams = applications.remove("minimal");
        return new Limits(producer, streams, catchUp, applications);
    }

    private static Map<String, Long> named(Map<String, ConsumerLag.Position> positions) {
        Map<String, Long> byName = new LinkedHashMap<>();
        GROUPS.forEach((name, group) -> byName.put(name, positions.get(group).lag()));
        return byName;
    }
}
