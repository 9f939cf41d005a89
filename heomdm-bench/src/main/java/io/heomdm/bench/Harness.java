package io.heomdm.bench;

import io.heomdm.bench.market.Market;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.events.EventIds;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs the plan: for each set-up, rate and repetition, fresh topics and queues, a decisions service
 * and a profiles service consuming every event, task workers, and an open-loop producer of
 * simulated market events; then drains, counts and measures.
 */
public final class Harness {
    private static final List<String> SERVICES = List.of("decisions", "profiles");
    /** JIT compilers using less than this (in cores, over a warm-up round) are done with the code the runs use. */
    static final double JIT_QUIET_CORES = 0.05;
    /** The JIT warm-up's bound: on 2 cores the compilers settle after about 3 minutes of load. */
    static final int JIT_WARMUP_ROUNDS = 9;

    /**
     * Where the servers are, the replication topics get there, what every Kafka client of the
     * set-ups is given ({@code kafka.properties}: security, or tuning such as {@code compression.type}),
     * and how to read the CPU the brokers and the SQS server use (zero for servers this process did not start).
     */
    public record Servers(String kafkaBootstrap, Map<String, String> kafkaProperties, short replication, int minInsync, SqsSettings sqs,
            Supplier<Duration> brokerCpu, Supplier<Duration> sqsCpu) {
        public Servers {
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        public static Servers singleBroker(String kafkaBootstrap, Map<String, String> kafkaProperties, SqsSettings sqs, Supplier<Duration> brokerCpu,
                Supplier<Duration> sqsCpu) {
            return new Servers(kafkaBootstrap, kafkaProperties, (short) 1, 1, sqs, brokerCpu, sqsCpu);
        }

        KafkaSettings kafka() {
            return new KafkaSettings(kafkaBootstrap, kafkaProperties, Duration.ofSeconds(30), replication, minInsync);
        }

        Map<String, Object> adminProperties() {
            Map<String, Object> props = new java.util.HashMap<>(kafka().clientProperties());
            props.put("bootstrap.servers", kafkaBootstrap);
            return props;
        }
    }

    /**
     * Something done to the servers mid-run (a broker killed): injected {@code after} the measured
     * window has begun, on the run whose id it is given; {@link #heal} undoes it once the run's
     * figures are taken.
     */
    public interface Fault {
        Duration after();

        void inject(String runId) throws Exception;

        void heal() throws Exception;
    }

    /**
     * One run's figures; {@code faultAt} is when a fault was injected (System.nanoTime, 0 when
     * none), {@code legs} where the time of the events that caused a task went, and {@code timeline}
     * the completions over time, {@code tcp} the machine's TCP retransmissions and receive-buffer
     * drops from the producer's start to the end of the drain.
     */
    public record Run(SetUp setUp, int offered, int repetition, double delivered, double p50Ms, double p99Ms, double p999Ms, double maxMs,
            long events, long notSent, long tasks, long eventsMissing, long tasksMissing, long duplicates, long lateSends, long publishFailures,
            double longestAckMs, double harnessCores, double brokerCores, double sqsCores, boolean drained, Histogram latency, TaskLegs.Split legs, Timeline timeline,
            long faultAt, long producerStoppedAt, TcpCounters tcp) {
    }

    private final BenchPlan plan;
    private final Servers servers;
    private final Progress progress;

    public Harness(BenchPlan plan, Servers servers, Progress progress) {
        this.plan = plan;
        this.servers = servers;
        this.progress = progress;
    }

    /** Called after each run with every run so far (the benchmark rewrites its report, so an interrupted run keeps what it measured). */
    public interface AfterRun {
        void accept(List<Run> runs) throws Exception;
    }

    public List<Run> runAll(AfterRun afterRun) throws Exception {
        if (!plan.jitWarmup().isZero()) {
            warmUpJit();
        }
        List<Run> runs = new ArrayList<>();
        for (int repetition = 1; repetition <= plan.repetitions(); repetition++) {
            // repetitions outermost, set-ups alternating within: drift in the machine hits every set-up alike
            for (int rate : plan.rates()) {
                for (SetUp setUp : plan.setUps()) {
                    progress.step(setUp.id() + " at " + rate + " events/s, repetition " + repetition);
                    Run r = run(setUp, rate, repetition, Optional.empty());
                    progress.done(String.format("%s %d/s: delivered %.0f/s, p99 %.1f ms%s%s", setUp.id(), rate, r.delivered(), r.p99Ms(),
                            r.drained() ? "" : " (backlog left)",
                            r.tcp().receiveBufferDrops() == 0 ? "" : ", " + r.tcp().receiveBufferDrops() + " TCP segments dropped by full receive buffers"));
                    runs.add(r);
                    afterRun.accept(runs);
                }
            }
        }
        return runs;
    }

    /**
     * Each set-up runs at the lowest rate, round after round of {@code jitWarmup}, until the JIT
     * compilers of every JVM (this one, the broker, the SQS server) used under {@link #JIT_QUIET_CORES}
     * in the last round, or {@link #JIT_WARMUP_ROUNDS} rounds are up. Not counted.
     */
    private void warmUpJit() throws Exception {
        int lowest = plan.rates().stream().min(Integer::compare).orElseThrow();
        var warm = new Harness(plan.withWindow(Duration.ofSeconds(1), plan.jitWarmup(), Duration.ofSeconds(5)), servers, progress);
        for (SetUp setUp : plan.setUps()) {
            double compilerCores;
            int round = 0;
            do {
                round++;
                long compilerBefore = JitActivity.compilerCpuNanos();
                long before = System.nanoTime();
                warm.run(setUp, lowest, 0, Optional.empty());
                compilerCores = (double) (JitActivity.compilerCpuNanos() - compilerBefore) / (System.nanoTime() - before);
                progress.note(String.format(java.util.Locale.ROOT, "JIT warm-up, not counted: %s at %d events/s, round %d of %d s: "
                        + "compilers at %.2f cores%s", setUp.id(), lowest, round, plan.jitWarmup().toSeconds(), compilerCores,
                        compilerCores < JIT_QUIET_CORES ? ", quiet" : round == JIT_WARMUP_ROUNDS ? ", still compiling: its first runs pay for it" : ""));
            } while (compilerCores >= JIT_QUIET_CORES && round < JIT_WARMUP_ROUNDS);
        }
    }

    Run run(SetUp setUp, int rate, int repetition, Optional<Fault> fault) throws Exception {
        String id = setUp.id().replace("-", "") + rate + "r" + repetition + "x" + Long.toString(System.nanoTime() % 1_000_000, 36);
        var kafka = servers.kafka();
        var loop = new OpenLoop(OpenLoop.Ticker.SYSTEM, rate);
        long warmupEvents = loop.firstDueAfter(plan.warmup().toNanos());
        long total = loop.firstDueAfter(plan.warmup().plus(plan.measured()).toNanos());
        var ids = new EventIds(InstantSource.system(), new java.util.Random(plan.seed() + repetition)); // used by several threads
        var decisions = new MarketDecisions(plan.taskFraction());
        var profiles = new java.util.concurrent.ConcurrentHashMap<String, Long>();
        List<AutoCloseable> open = new ArrayList<>();
        var faultAt = new java.util.concurrent.atomic.AtomicLong();
        try {
            Transports.EventBus events = setUp == SetUp.SQS_ONLY
                    ? new Transports.SqsEvents(new SqsTaskQueue(servers.sqs(), new SplittableRandom(plan.seed())), id, SERVICES)
                    : new Transports.KafkaEvents(kafka, id, plan.partitions());
            open.add(0, events);
            Transports.TaskBus tasks = Transports.tasks(Transports.TaskTransport.of(setUp), servers, id, plan.partitions(),
                    plan.workerConcurrency(), plan.seed());
            open.add(0, tasks);

            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            long windowStart = start + plan.warmup().toNanos();
            var m = new Measurement(loop, start, total, warmupEvents, windowStart, windowStart + plan.measured().toNanos(),
                    new Timeline(start, plan.warmup().plus(plan.measured()).plus(plan.drain()).plusSeconds(2)));
            if (fault.isPresent()) {
                if (fault.get().after().compareTo(plan.measured()) >= 0) {
                    throw new IllegalArgumentException("the fault must come inside the measured window of " + plan.measured().toSeconds() + " s");
                }
                var injector = Transports.daemon(() -> {
                    OpenLoop.Ticker.SYSTEM.parkUntil(windowStart + fault.get().after().toNanos());
                    faultAt.set(System.nanoTime());
                    try {
                        fault.get().inject(id);
                    } catch (Exception e) {
                        throw new IllegalStateException("could not inject the fault", e);
                    }
                }, "bench-fault");
                injector.start();
            }
            open.add(0, tasks.startWorkers(task -> m.taskDone(seq(task.envelope().correlationId()), System.nanoTime())));
            open.add(0, events.subscribe("decisions", event -> {
                long seq = seq(event.envelope().correlationId());
                var decision = decisions.decide(event, seq, ids, Instant.now());
                if (decision.task().isEmpty()) {
                    m.decided(seq, System.nanoTime());
                    return CompletableFuture.completedFuture(null);
                }
                m.taskCaused(seq, System.nanoTime());
                return tasks.send(decision.task().get()).thenRun(() -> m.taskQueued(seq, System.nanoTime()));
            }));
            open.add(0, events.subscribe("profiles", event -> {
                profiles.merge(event.envelope().key(), 1L, Long::sum);
                return CompletableFuture.completedFuture(null);
            }));

            var simulator = new MarketSimulator(Market.generate(20_000, 5_000, new SplittableRandom(plan.seed())),
                    MarketSimulator.Profile.defaults().withAverageEventBytes(plan.eventBytes()), new SplittableRandom(plan.seed() + 1), ids, "b" + id + "-");
            long cpuBefore = harnessCpu();
            Duration brokerBefore = servers.brokerCpu().get();
            Duration sqsBefore = servers.sqsCpu().get();
            var tcpBefore = TcpCounters.read();
            // the producer stops with the measured window: a set-up that holds it back gets fewer events, not a longer run
            var sent = loop.run(start, total, windowStart + plan.measured().toNanos() + TimeUnit.SECONDS.toNanos(1), (seq, due) -> {
                var event = simulator.next(seq, Instant.now());
                long publishedAt = System.nanoTime();
                events.publish(event).whenComplete((ok, error) -> {
                    if (error != null) {
                        m.publishFailures.incrementAndGet();
                    }
                    m.longestAckNanos.accumulate(System.nanoTime() - publishedAt);
                });
            });
            long producedAt = System.nanoTime();
            double cpuSeconds = (producedAt - start) / 1e9;
            double harnessCores = (harnessCpu() - cpuBefore) / 1e9 / cpuSeconds;
            double brokerCores = (servers.brokerCpu().get().minus(brokerBefore).toNanos()) / 1e9 / cpuSeconds;
            double sqsCores = (servers.sqsCpu().get().minus(sqsBefore).toNanos()) / 1e9 / cpuSeconds;

            // drain: every event decided and every task it caused run, or the drain time is up
            long produced = sent.count();
            long expectedTasks = countTasks(decisions, produced);
            long drainUntil = System.nanoTime() + plan.drain().toNanos();
            while (System.nanoTime() < drainUntil
                    && (m.decisions.missing(0, produced) > 0 || m.tasks.arrivals() - m.tasks.duplicates() < expectedTasks)) {
                Thread.sleep(100);
            }
            var tcp = TcpCounters.read().since(tcpBefore);
            long eventsMissing = m.decisions.missing(0, produced);
            long tasksMissing = expectedTasks - (m.tasks.arrivals() - m.tasks.duplicates());
            var h = m.latencyMicros.copy();
            // no measured event completed (a set-up far past its capacity): no latency to report, rather than a 0
            java.util.function.LongFunction<Double> ms = v -> h.getTotalCount() == 0 ? Double.NaN : v / 1000.0;
            return new Run(setUp, rate, repetition, m.deliveredInWindow() / (plan.measured().toNanos() / 1e9),
                    ms.apply(h.getValueAtPercentile(50)), ms.apply(h.getValueAtPercentile(99)), ms.apply(h.getValueAtPercentile(99.9)),
                    ms.apply(h.getMaxValue()),
                    produced, total - produced, expectedTasks, eventsMissing, tasksMissing, m.decisions.duplicates() + m.tasks.duplicates(), sent.late(),
                    m.publishFailures.get(), m.longestAckNanos.get() / 1e6, harnessCores, brokerCores, sqsCores, eventsMissing == 0 && tasksMissing == 0, h, m.legs(), m.timeline, faultAt.get(),
                    producedAt, tcp);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the run's figures are taken; a close that fails does not change them
                }
            }
            deleteTopics(id);
            if (setUp.usesSqs()) {
                deleteQueues(id);
            }
        }
    }

    private static long countTasks(MarketDecisions decisions, long total) {
        long n = 0;
        for (long s = 0; s < total; s++) {
            n += decisions.causesTask(s) ? 1 : 0;
        }
        return n;
    }

    /** The run's topics go when it ends: 2 KB events fill a disk quickly, and a deleted topic's files stay a minute. */
    private void deleteTopics(String id) {
        try (Admin admin = Admin.create(servers.adminProperties())) {
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(n -> n.contains(id)).toList();
            admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // leftovers cost disk, not correctness
        }
    }

    /**
     * The run's queues go too: a saturated SQS run leaves its backlog behind (sqs-only, hundreds of
     * thousands of 2 KB messages), and an in-memory server holding it spends every later run
     * collecting garbage.
     */
    private void deleteQueues(String id) {
        try (var queues = new SqsTaskQueue(servers.sqs(), new SplittableRandom(plan.seed()))) {
            var client = queues.client();
            for (String url : client.listQueues(b -> b.queueNamePrefix("bench-" + id)).join().queueUrls()) {
                client.deleteQueue(b -> b.queueUrl(url)).join();
            }
        } catch (RuntimeException e) {
            // leftovers cost the server memory, not this run's figures
        }
    }

    static long seq(String correlationId) {
        return Long.parseLong(correlationId.substring(correlationId.lastIndexOf('-') + 1));
    }

    private static long harnessCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
