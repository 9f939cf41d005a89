package io.heomdm.gateway;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A token bucket per API key, or per client address (Bucket4j): one token per request (or per failure). */
final class RateLimits {
    /** Buckets kept at most: past it they all start afresh (addresses are many; keys are few). */
    private static final int MAX_BUCKETS = 100_000;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bandwidth bandwidth;

    RateLimits(int requestsPerSecond, int burst) {
        this(Bandwidth.builder().capacity(burst).refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build());
    }

    private RateLimits(Bandwidth bandwidth) {
        this.bandwidth = bandwidth;
    }

    /** {@code failures} a minute per client, for guesses at API keys. */
    static RateLimits perMinute(int failures) {
        return new RateLimits(Bandwidth.builder().capacity(failures).refillGreedy(failures, Duration.ofMinutes(1)).build());
    }

    /** Empty while {@code key} has a token left (none is taken); otherwise the seconds until it has one. */
    OptionalLong blocked(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    /** Empty when the request may go; otherwise the whole seconds to wait (at least 1), for Retry-After. */
    OptionalLong take(String keyId) {
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear();
        }
        var probe = buckets.computeIfAbsent(keyId, k -> Bucket.builder().addLimit(bandwidth).build()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }
}
