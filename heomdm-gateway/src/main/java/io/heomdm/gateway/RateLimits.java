package io.heomdm.gateway;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A token bucket per API key (Bucket4j): one token per request. */
final class RateLimits {
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bandwidth bandwidth;

    RateLimits(int requestsPerSecond, int burst) {
        this.bandwidth = Bandwidth.builder().capacity(burst).refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build();
    }

    /** Empty when the request may go; otherwise the whole seconds to wait (at least 1), for Retry-After. */
    OptionalLong take(String keyId) {
        var probe = buckets.computeIfAbsent(keyId, k -> Bucket.builder().addLimit(bandwidth).build()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }
}
