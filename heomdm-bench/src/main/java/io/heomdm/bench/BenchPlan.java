package io.heomdm.bench;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What a benchmark run measures, and how.
 *
 * @param taskFraction   events that cause a task (order confirmations, cart reminders, campaign messages)
 * @param ceilingRecords records sent by Kafka's producer performance tool, and tasks through the plain SQS loop (a tenth)
 * @param jitWarmup      before the first measured run, each set-up runs rounds this long at the lowest rate, not counted,
 *                       until the JIT compilers are quiet: the JVMs are still compiling minutes in on a small machine, and the
 *                       runs measured then would pay for it
 */
public record BenchPlan(List<SetUp> setUps, List<Integer> rates, Duration warmup, Duration measured, int repetitions, int partitions,
        double taskFraction, int eventBytes, int workerConcurrency, Duration drain, int ceilingRecords, long seed, Set<Part> parts, Table5 table5,
        Duration jitWarmup) {

    /** The parts of a benchmark: Tables 3 and 4, and Table 5's fault runs and scale runs. */
    public enum Part {
        THROUGHPUT, FAULTS, SCALE;

        public static Part of(String name) {
            for (Part p : values()) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("no part " + name + "; the parts are throughput, faults, scale");
        }
    }

    /**
     * Table 5's runs. Broker kill: a cluster of three brokers (RF 3, min ISR 2), {@code brokerKillRate}
     * events/s, the leader of partition 0 killed {@code killAfter} into a window of {@code faultWindow}.
     * Worker kill: two worker processes at {@code workerKillTaskRate} tasks/s, one killed the same way;
     * the rate is well under what one process can do, so the recovery is the failover, not a lack of capacity.
     * Scale: one worker process, then two, at {@code scaleTaskRate} tasks/s for {@code scaleWindow}. Each
     * worker runs {@code workerConcurrency} tasks at a time, each waiting {@code taskLatency} (simulated I/O).
     */
    public record Table5(int brokerKillRate, double workerKillTaskRate, double scaleTaskRate, int workerConcurrency, Duration taskLatency,
            Duration warmup, Duration faultWindow, Duration killAfter, Duration scaleWindow, Duration drain) {
        public Table5 {
            if (killAfter.compareTo(faultWindow) >= 0) {
                throw new IllegalArgumentException("the kill must come inside the fault window");
            }
        }

        /** One worker process's capacity: concurrency / latency. */
        public double workerCapacity() {
            return workerConcurrency * 1000.0 / Math.max(1, taskLatency.toMillis());
        }
    }

    public BenchPlan {
        setUps = List.copyOf(setUps);
        rates = List.copyOf(rates);
        parts = parts.isEmpty() ? Set.of() : java.util.EnumSet.copyOf(parts);
        if (setUps.isEmpty() || rates.isEmpty()) {
            throw new IllegalArgumentException("at least one set-up and one rate");
        }
        if (rates.stream().anyMatch(r -> r <= 0)) {
            throw new IllegalArgumentException("rates must be > 0");
        }
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1");
        }
        if (taskFraction < 0 || taskFraction > 1) {
            throw new IllegalArgumentException("taskFraction must be between 0 and 1");
        }
    }

    /**
     * The full measurement, after the OpenMessaging Benchmark: 5k to 50k events/s, 3 repetitions;
     * then Table 5. The fault window is 90 s so that a killed member is noticed within it even on
     * brokers that keep Kafka's default session timeout (45 s; 6 s on the embedded ones).
     */
    public static BenchPlan full() {
        return new BenchPlan(List.of(SetUp.values()), List.of(5_000, 10_000, 25_000, 50_000), Duration.ofSeconds(10), Duration.ofSeconds(30), 3,
                12, 0.02, 2048, 20, Duration.ofSeconds(20), 500_000, 42, Set.of(Part.values()),
                new Table5(2_000, 80, 500, 10, Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofSeconds(10),
                        Duration.ofSeconds(20), Duration.ofSeconds(60)), Duration.ofSeconds(20));
    }

    /** Tables 3 and 4 only, every set-up at two low rates, once: under 3 minutes, for CI. */
    public static BenchPlan quick() {
        return new BenchPlan(List.of(SetUp.values()), List.of(500, 1_000), Duration.ofSeconds(2), Duration.ofSeconds(5), 1,
                12, 0.02, 2048, 20, Duration.ofSeconds(10), 50_000, 42, Set.of(Part.THROUGHPUT),
                new Table5(500, 60, 300, 10, Duration.ofMillis(50), Duration.ofSeconds(8), Duration.ofSeconds(25), Duration.ofSeconds(5),
                        Duration.ofSeconds(6), Duration.ofSeconds(60)), Duration.ZERO);
    }

    public BenchPlan withSetUps(List<SetUp> s) {
        return new BenchPlan(s, rates, warmup, measured, repetitions, partitions, taskFraction, eventBytes, workerConcurrency, drain, ceilingRecords,
                seed, parts, table5, jitWarmup);
    }

    public BenchPlan withRates(List<Integer> r) {
        return new BenchPlan(setUps, r, warmup, measured, repetitions, partitions, taskFraction, eventBytes, workerConcurrency, drain, ceilingRecords,
                seed, parts, table5, jitWarmup);
    }

    public BenchPlan withWindow(Duration warm, Duration measure, Duration drainTime) {
        return new BenchPlan(setUps, rates, warm, measure, repetitions, partitions, taskFraction, eventBytes, workerConcurrency, drainTime,
                ceilingRecords, seed, parts, table5, jitWarmup);
    }

    public BenchPlan withRepetitions(int n) {
        return new BenchPlan(setUps, rates, warmup, measured, n, partitions, taskFraction, eventBytes, workerConcurrency, drain, ceilingRecords,
                seed, parts, table5, jitWarmup);
    }

    public BenchPlan withWorkload(double fraction, int bytes) {
        return new BenchPlan(setUps, rates, warmup, measured, repetitions, partitions, fraction, bytes, workerConcurrency, drain, ceilingRecords,
                seed, parts, table5, jitWarmup);
    }

    public BenchPlan withJitWarmup(Duration d) {
        return new BenchPlan(setUps, rates, warmup, measured, repetitions, partitions, taskFraction, eventBytes, workerConcurrency, drain, ceilingRecords,
                seed, parts, table5, d);
    }

    public BenchPlan withParts(Set<Part> p, Table5 t) {
        return new BenchPlan(setUps, rates, warmup, measured, repetitions, partitions, taskFraction, eventBytes, workerConcurrency, drain, ceilingRecords,
                seed, p, t, jitWarmup);
    }

    /** The plan of one broker-kill run of {@code setUp}: Table 5's rate and window, once. */
    BenchPlan brokerKillRun(SetUp setUp) {
        return withSetUps(List.of(setUp)).withRates(List.of(table5.brokerKillRate())).withWindow(table5.warmup(), table5.faultWindow(), table5.drain())
                .withRepetitions(1);
    }

    /** Steps the progress bar counts: every throughput run, every fault run, every scale run. */
    public int runs() {
        int kafkaSetUps = (int) setUps.stream().filter(s -> s != SetUp.SQS_ONLY).count();
        int transports = (int) setUps.stream().map(Transports.TaskTransport::of).distinct().count();
        return (parts.contains(Part.THROUGHPUT) ? setUps.size() * rates.size() * repetitions : 0)
                + (parts.contains(Part.FAULTS) ? kafkaSetUps + transports : 0) + (parts.contains(Part.SCALE) ? 2 * transports : 0);
    }
}
