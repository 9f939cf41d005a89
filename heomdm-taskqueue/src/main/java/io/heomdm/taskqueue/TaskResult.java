package io.heomdm.taskqueue;

import java.time.Duration;

/** What a handler says happened, which decides what the worker does with the message. */
public sealed interface TaskResult {

    /** The side effect happened: delete the message. */
    record Done() implements TaskResult {
    }

    /** A transient failure: keep the message and deliver it again after {@code delay}, or after the worker's backoff when null. */
    record Retry(Duration delay, String reason) implements TaskResult {
    }

    /** The task can never succeed: move it to the dead-letter queue now, without further attempts. */
    record Poison(String reason) implements TaskResult {
    }

    static TaskResult done() {
        return new Done();
    }

    static TaskResult retry(String reason) {
        return new Retry(null, reason);
    }

    static TaskResult retryAfter(Duration delay, String reason) {
        return new Retry(delay, reason);
    }

    static TaskResult poison(String reason) {
        return new Poison(reason);
    }
}
