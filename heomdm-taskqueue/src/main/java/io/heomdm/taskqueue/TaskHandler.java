package io.heomdm.taskqueue;

import org.apache.avro.specific.SpecificRecord;

/**
 * Executes one task. Called concurrently from the worker's handler threads (up to its
 * concurrency), so it must be thread-safe; a task may be delivered more than once, so its side
 * effect must be idempotent by eventId. A thrown exception counts as {@link TaskResult.Retry}.
 */
@FunctionalInterface
public interface TaskHandler<T extends SpecificRecord> {
    TaskResult handle(ReceivedTask<T> task) throws Exception;

    /**
     * The task failed on its last allowed receive ({@link QueueSpec#maxReceiveCount()}) and is
     * parked in the dead-letter queue right after this returns: say so to whoever waits on it (a
     * {@code TaskFailed}, so a saga releases what it held). When this throws, the task is not
     * parked yet and comes back for another try at telling. The default tells no one.
     */
    default void exhausted(ReceivedTask<T> task, String lastError) throws Exception {
    }

    /**
     * How many of {@code wanted} tasks the worker may receive now: fewer, down to none, while a
     * service this handler calls is down (its circuit breaker open), so that an outage leaves the
     * tasks waiting in their queue instead of burning their receives and dead-lettering them.
     * Called before every receive: it must be cheap. The default takes all.
     */
    default int admit(int wanted) {
        return wanted;
    }

    /**
     * Whether a service this handler needs is down right now (its circuit breaker not closed): a
     * failure now is the outage's, not the task's, and does not end the task's tries. Asks, changes
     * nothing. The default: never.
     */
    default boolean outage() {
        return false;
    }
}
