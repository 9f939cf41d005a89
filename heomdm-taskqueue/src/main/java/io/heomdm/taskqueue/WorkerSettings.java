package io.heomdm.taskqueue;

import java.time.Duration;

/**
 * @param concurrency       handlers running at once; the worker never holds more unfinished messages than this (done ones wait only for their batched delete), and
 *                          receives in batches of min(10, concurrency), so twice the batch keeps a batch in hand while one is received
 * @param longPoll          how long one receive waits for messages (SQS allows at most 20 s)
 * @param baseBackoff       first retry delay; doubles per receive, with full jitter, up to {@code maxBackoff}
 * @param maxBackoff        at most SQS's 12 h visibility limit
 * @param shutdownGrace     how long running handlers may take to finish when the worker stops
 * @param heartbeat         whether the worker extends the visibility of messages whose handlers are still running
 * @param maxProcessingTime after this long a handler's message is no longer extended, so a hung handler cannot hold it forever
 */
public record WorkerSettings(int concurrency, Duration longPoll, Duration baseBackoff, Duration maxBackoff, Duration shutdownGrace,
        boolean heartbeat, Duration maxProcessingTime) {
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
        if (maxProcessingTime.compareTo(SQS_MAX_VISIBILITY) > 0) {
            throw new IllegalArgumentException("maxProcessingTime must be at most 12 h: SQS keeps no message invisible longer");
        }
    }

    /**
     * Long polls of 10 s, not SQS's longest 20: a stopping worker waits for its current poll rather
     * than cancel it, and with the handlers' 10 s grace that keeps the whole platform's stop within 30 s
     * (an idle queue costs one empty receive per 10 s instead of per 20 s).
     */
    public static WorkerSettings defaults() {
        return new WorkerSettings(20, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10),
                true, Duration.ofHours(1));
    }

    public WorkerSettings withConcurrency(int n) {
        return new WorkerSettings(n, longPoll, baseBackoff, maxBackoff, shutdownGrace, heartbeat, maxProcessingTime);
    }

    public WorkerSettings withLongPoll(Duration wait) {
        return new WorkerSettings(concurrency, wait, baseBackoff, maxBackoff, shutdownGrace, heartbeat, maxProcessingTime);
    }

    public WorkerSettings withHeartbeat(boolean on) {
        return new WorkerSettings(concurrency, longPoll, baseBackoff, maxBackoff, shutdownGrace, on, maxProcessingTime);
    }
}
