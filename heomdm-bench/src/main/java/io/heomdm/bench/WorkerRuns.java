package io.heomdm.bench;

import io.heomdm.bench.market.Market;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.events.EventIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The task workers' own runs, with workers in processes of their own: tasks (the notifications
 * the decisions send) go open-loop straight onto a set-up's task transport, each task waits for a
 * simulated I/O latency (CPU cannot double on one machine, waiting can), and either a second worker
 * process is added (scale) or one of two is killed mid-run (fault).
 */
final class WorkerRuns {
    /** What a worker run measures. */
    record Settings(double tasksPerSecond, int processes, int concurrency, Duration taskLatency, Duration warmup, Duration measured,
            Optional<Duration> killAfter, Duration drain) {
    }

    /**
     * One run's figures. {@code recovery} (worker-kill runs): from the kill until the tasks done per
     * second are back to ≥ 90 % of those offered; empty when they were not by the end of the window.
     */
    record Result(Transports.TaskTransport transport, Settings settings, double done, long sent, long lost, long duplicates, double p50Ms,
            double p99Ms, double maxMs, double workerCores, Optional<Duration> recovery, double[][] curve) {
    }

    private final Harness.Servers servers;
    private final int partitions;
    private final long seed;
    private final Path logs;

    WorkerRuns(Harness.Servers servers, int partitions, long seed, Path logs) {
        this.servers = servers;
        this.partitions = partitions;
        this.seed = seed;
        this.logs = logs;
    }

    Result run(Transports.TaskTransport transport, Settings s) throws Exception {
        String id = "w" + transport.name().toLowerCase().replace("_", "") + s.processes() + (s.killAfter().isPresent() ? "k" : "s") + "x"
                + Long.toString(System.nanoTime() % 1_000_000, 36);
        var loop = new OpenLoop(OpenLoop.Ticker.SYSTEM, s.tasksPerSecond());
        long total = loop.firstDueAfter(s.warmup().plus(s.measured()).toNanos());
        long warmupTasks = loop.firstDueAfter(s.warmup().toNanos());
        var tally = new Tally(total);
        Histogram latency = new ConcurrentHistogram(TimeUnit.HOURS.toMicros(1), 3);
        var doneInWindow = new AtomicLong();
        var ids = new EventIds(InstantSource.system(), new Random(seed));
        var simulator = new MarketSimulator(Market.generate(2_000, 500, new SplittableRandom(seed)), MarketSimulator.Profile.defaults(),
                new SplittableRandom(seed + 1), ids, "w" + id + "-");
        List<WorkerProcess> workers = new ArrayList<>();
        try (var tasks = Transports.tasks(transport, servers, id, partitions, s.concurrency(), seed)) {
            long start0 = System.nanoTime();
            var timeline = new Timeline(start0, Duration.ofMinutes(10));
            long[] start = {Long.MAX_VALUE};
            long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};
            for (int i = 0; i < s.processes(); i++) {
                workers.add(WorkerProcess.start(new WorkerProcess.Spec(transport, id, servers, partitions, s.concurrency(), s.taskLatency()),
                        logs.resolve("worker-" + id + "-" + i + ".log"), seq -> {
                            long now = System.nanoTime();
                            timeline.completed(now);
                            if (tally.arrived(seq)) {
                                if (seq >= warmupTasks) {
                                    latency.recordValue(Math.max(1, (now - loop.due(start[0], seq)) / 1000));
                                }
                                if (now >= window[0] && now < window[1]) {
                                    doneInWindow.incrementAndGet();
                                }
                            }
                        }));
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(60));
            }
            long cpuBefore = workers.stream().mapToLong(w -> w.cpuTime().toNanos()).sum(); // not the start-up's
            start[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            window[0] = start[0] + s.warmup().toNanos();
            window[1] = window[0] + s.measured().toNanos();
            long killAt = s.killAfter().map(k -> window[0] + k.toNanos()).orElse(0L);
            var killedAt = new AtomicLong();
            if (s.killAfter().isPresent()) {
                Transports.daemon(() -> {
                    OpenLoop.Ticker.SYSTEM.parkUntil(killAt);
                    killedAt.set(System.nanoTime());
                    try {
                        workers.get(0).kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "bench-worker-kill").start();
            }
            var publishFailures = new AtomicLong();
            var sent = loop.run(start[0], total, window[1], (seq, due) -> {
                var cause = simulator.next(seq, Instant.now());
                tasks.send(MarketDecisions.task(cause, ids, Instant.now())).whenComplete((ok, e) -> {
                    if (e != null) {
                        publishFailures.incrementAndGet();
                    }
                });
            });
            long drainUntil = System.nanoTime() + s.drain().toNanos();
            while (System.nanoTime() < drainUntil && tally.missing(0, sent.count()) > 0) {
                Thread.sleep(100);
            }
            // a killed worker's CPU is no longer readable: the figure is the survivors' in a worker-kill run
            double cores = (workers.stream().mapToLong(w -> w.cpuTime().toNanos()).sum() - cpuBefore) / 1e9 / ((System.nanoTime() - start[0]) / 1e9);
            Optional<Duration> recovery = s.killAfter().isPresent()
                    ? timeline.recovery(killedAt.get(), window[1], s.tasksPerSecond(), 0.9, Table5Runs.RECOVERY_WINDOW)
                    : Optional.empty();
            double[][] curve = timeline.curve(window[0], window[1], s.killAfter().isPresent() ? killedAt.get() : window[0]);
            java.util.function.LongFunction<Double> ms = v -> latency.getTotalCount() == 0 ? Double.NaN : v / 1000.0;
            return new Result(transport, s, doneInWindow.get() / (s.measured().toNanos() / 1e9), sent.count(), tally.missing(0, sent.count()),
                    tally.duplicates(), ms.apply(latency.getValueAtPercentile(50)), ms.apply(latency.getValueAtPercentile(99)),
                    ms.apply(latency.getMaxValue()), cores, recovery, curve);
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
        }
    }
}
