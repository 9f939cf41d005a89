package io.heomdm.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Completions counted in 100 ms buckets from a run's start: delivered throughput over time, from
 * which a fault run reads its recovery; and the worst latency of the events due in each bucket,
 * which tells a stall (a spike) from contention (a ragged band). Thread-safe; what falls after the
 * last bucket is dropped.
 */
public final class Timeline {
    static final long BUCKET_NANOS = 100_000_000L;
    private static final int BUCKETS_PER_SECOND = 10;
    private final long start;
    private final AtomicLongArray buckets;
    private final AtomicLongArray worstMicros;

    public Timeline(long startNanos, Duration length) {
        this.start = startNanos;
        this.buckets = new AtomicLongArray((int) (length.toNanos() / BUCKET_NANOS) + 1);
        this.worstMicros = new AtomicLongArray(buckets.length());
    }

    /** An event due at {@code dueNanos} completed {@code micros} after it was due. */
    public void latency(long dueNanos, long micros) {
        long i = (dueNanos - start) / BUCKET_NANOS;
        if (i >= 0 && i < worstMicros.length()) {
            worstMicros.accumulateAndGet((int) i, micros, Math::max);
        }
    }

    /**
     * The worst latency (ms) of the events due in each bucket from {@code from} to {@code to} after
     * the start: x in seconds from {@code from}. Buckets in which no event completed are left out.
     */
    public double[][] worstLatency(Duration from, Duration to) {
        int first = (int) (from.toNanos() / BUCKET_NANOS);
        int last = (int) Math.min(worstMicros.length(), to.toNanos() / BUCKET_NANOS);
        int[] measured = java.util.stream.IntStream.range(first, Math.max(first, last)).filter(i -> worstMicros.get(i) > 0).toArray();
        return new double[][] {java.util.Arrays.stream(measured).mapToDouble(i -> (i - first) * BUCKET_NANOS / 1e9).toArray(),
                java.util.Arrays.stream(measured).mapToDouble(i -> worstMicros.get(i) / 1000.0).toArray()};
    }

    public void completed(long nowNanos) {
        long i = (nowNanos - start) / BUCKET_NANOS;
        if (i >= 0 && i < buckets.length()) {
            buckets.incrementAndGet((int) i);
        }
    }

    /** Delivered per second over the second that ends at bucket {@code end} (exclusive). */
    double ratePerSecondEndingAt(int end) {
        return delivered(end - BUCKETS_PER_SECOND, end);
    }

    /**
     * How long after a fault at {@code faultNanos} delivery stayed below {@code threshold} × the
     * offered rate: the end of the last sliding {@code window}, starting at or after the fault and
     * ending before {@code untilNanos}, that delivered less. Zero when none did (the fault did not
     * show); empty when delivery was still short at {@code untilNanos} (not recovered). A window of
     * several seconds keeps the ordinary jitter of a steady run (batches, GC pauses, and at low
     * rates the counts themselves) from reading as a fault.
     */
    public Optional<Duration> recovery(long faultNanos, long untilNanos, double offeredPerSecond, double threshold, Duration window) {
        int span = (int) Math.max(1, window.toNanos() / BUCKET_NANOS);
        double least = threshold * offeredPerSecond * span / BUCKETS_PER_SECOND;
        int first = (int) Math.ceil((faultNanos - start) / (double) BUCKET_NANOS) + span;
        int last = (int) Math.min(buckets.length(), (untilNanos - start) / BUCKET_NANOS);
        long lastShortEnd = -1;
        for (int end = first; end <= last; end++) {
            if (delivered(end - span, end) < least) {
                lastShortEnd = end;
            }
        }
        if (lastShortEnd < 0) {
            return Optional.of(Duration.ZERO);
        }
        if (lastShortEnd == last) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(start + lastShortEnd * BUCKET_NANOS - faultNanos));
    }

    private long delivered(int from, int to) {
        long n = 0;
        for (int i = Math.max(0, from); i < to; i++) {
            n += buckets.get(i);
        }
        return n;
    }

    /** Delivered per second in each one-second window ending at every bucket from {@code fromNanos} to {@code toNanos}: the chart's curve. */
    public double[][] curve(long fromNanos, long toNanos, long originNanos) {
        int from = (int) Math.max(BUCKETS_PER_SECOND, (fromNanos - start) / BUCKET_NANOS);
        int to = (int) Math.min(buckets.length(), (toNanos - start) / BUCKET_NANOS);
        int n = Math.max(0, to - from + 1);
        double[][] xy = new double[2][n];
        for (int k = 0; k < n; k++) {
            int end = from + k;
            xy[0][k] = (start + end * BUCKET_NANOS - originNanos) / 1e9;
            xy[1][k] = ratePerSecondEndingAt(end);
        }
        return xy;
    }
}
