package io.heomdm.taskqueue;

import java.time.Duration;

/** What a handler says happened, which decides what the worker does with the message. */
public sealed interface TaskResult {

    /** The side effect happened: delete the message. */
    record Done() implements TaskResult {
    }

    /**
     * A transient failure: keep the message and deliver it again after {@code delay}, or after the
     * worker's backoff when null. {@code outage}: a service the task needs was down — the task's
     * fault it is not, so this try never ends its tries (it is not parked for it).
     */
    record Retry(Duration delay, String reason, boolean outage) implements TaskResult {
    }

    /** The task can never succeed: move it to the dead-letter queue now, without further attempts. */
    record Poison(String reason) implements TaskResult {
    }

    static TaskResult done() {
        return new Done();
    }

    static TaskResult retry(String reason) {
        return new Retry(null, reason, false);
    }

    static TaskResult retryAfter(Duration delay, String reason) {
        return new Retry(delay, reason, false);
    }

    /** A service the task needs is down: retried, and never parked for it. */
    static TaskResult outage(String reason) {
        return new Retry(null, reason, true);
    }

    /** A service the task needs is down, and the task is worth trying again after {@code delay} rather than the worker's backoff. */
    static TaskResult outageAfter(Duration delay, String reason) {
        return new Retry(delay, reason, true);
    }

    static TaskResult poison(String reason) {
        return new Poison(reason);
    }
}
