package io.heomdm.bench;

import java.time.Duration;
import java.util.List;

/**
 * What a benchmark run measures, and how.
 *
 * @param taskFraction   events that cause a task (order confirmations, cart reminders, campaign messages)
 * @param ceilingRecords records sent by Kafka's producer performance tool, and tasks through the plain SQS loop (a tenth)
 */
public record BenchPlan(List<SetUp> setUps, List<Integer> rates, Duration warmup, Duration measured, int repetitions, int partitions,
        double taskFraction, int eventBytes, int workerConcurrency, Duration drain, int ceilingRecords, long seed) {

    public BenchPlan {
        setUps = List.copyOf(setUps);
        rates = List.copyOf(rates);
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

    /** The full measurement, after the OpenMessaging Benchmark: 5k to 50k events/s, 3 repetitions. */
    public static BenchPlan full() {
        return new BenchPlan(List.of(SetUp.values()), List.of(5_000, 10_000, 25_000, 50_000), Duration.ofSeconds(10), Duration.ofSeconds(30), 3,
                12, 0.02, 2048, 20, Duration.ofSeconds(20), 500_000, 42);
    }

    /** Every set-up at two low rates, once: under 3 minutes, for CI. */
    public static BenchPlan quick() {
        return new BenchPlan(List.of(SetUp.values()), List.of(500, 1_000), Duration.ofSeconds(2), Duration.ofSeconds(5), 1,
                12, 0.02, 2048, 20, Duration.ofSeconds(10), 50_000, 42);
    }

    public int runs() {
        return setUps.size() * rates.size() * repetitions;
    }
}
