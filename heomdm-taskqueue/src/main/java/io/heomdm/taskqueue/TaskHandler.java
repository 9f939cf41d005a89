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
}
