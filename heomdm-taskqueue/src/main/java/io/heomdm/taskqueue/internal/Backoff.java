package io.heomdm.taskqueue.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * uniform in [0, ceiling], so that tasks failing together come back spread over the whole interval
 * instead of in a wave in its upper half.
 */
public record Backoff(Duration base, Duration max) {

    /** The delay before attempt {@code attempt + 1}, given that {@code attempt} (1-based) failed. */
    public Duration after(int attempt, RandomGenerator random) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.min(max.toMillis(), base.toMillis() << shift);
        return Duration.ofMillis(random.nextLong(0, ceiling + 1));
    }
}
