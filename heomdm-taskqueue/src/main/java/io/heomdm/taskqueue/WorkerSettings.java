package io.heomdm.taskqueue;

import java.time.Duration;

/**
 * @param concurrency  handlers running at once; the worker never holds more received messages than this
 * @param longPoll     how long one receive waits for messages (SQS allows at most 20 s)
 * @param baseBackoff  first retry delay; doubles per receive, with full jitter, up to {@code maxBackoff}
 * @param maxBackoff   at most SQS's 12 h visibility limit
 * @param shutdownGrace how long running handlers may take to finish when the worker stops
 */
public record WorkerSettings(int concurrency, Duration longPoll, Duration baseBackoff, Duration maxBackoff, Duration shutdownGrace) {
    public static final Duration SQS_MAX_VISIBILITY = Duration.ofHours(12);

    public WorkerSettings {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1");
        }
        if (longPoll.isNegative() || longPoll.compareTo(Duration.ofSeconds(20)) > 0) {
            throw new IllegalArgumentException("longPoll must be between 0 and 20 s");
        }
        if (maxBackoff.compareTo(SQS_MAX_VISIBILITY) > 0) {
            throw new IllegalArgumentException("maxBackoff must be at most 12 h");
        }
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(10, Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10));
    }

    public WorkerSettings withConcurrency(int n) {
        return new WorkerSettings(n, longPoll, baseBackoff, maxBackoff, shutdownGrace);
    }
}
