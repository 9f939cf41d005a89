package io.heomdm.taskqueue.internal;

import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskResult;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker does with a task that failed on its last allowed receive: the handler tells whoever
 * waits on the task ({@link TaskHandler#exhausted}), then the task is parked. The worker parks it,
 * not the broker's redrive policy, because the broker would park it silently and a saga holding a
 * budget for it would wait for ever. A last try that failed while a service the handler needs is
 * down is not the task's last: an outage parks nothing.
 */
final class LastTry {
    private static final Logger log = LoggerFactory.getLogger(LastTry.class);

    private LastTry() {
    }

    /** The handler's result, or poison when this failure was the last try and the handler has told of it. */
    static <T extends SpecificRecord> TaskResult settle(QueueSpec<T> queue, TaskHandler<T> handler, ReceivedTask<T> task, TaskResult result) {
        if (!(result instanceof TaskResult.Retry retry) || task.receiveCount() < queue.maxReceiveCount()) {
            return result;
        }
        if (retry.outage() || handler.outage()) {
            // a service the handler needs is down right now (its circuit breaker open): the failure is the outage's, not
            // the task's, and the task waits it out in its queue; the workers receive nothing until the service is back
            return result;
        }
        String reason = "failed " + task.receiveCount() + " times; last: " + retry.reason();
        try {
            handler.exhausted(task, retry.reason());
            return TaskResult.poison(reason);
        } catch (Exception e) {
            // not told: not parked either; it comes back and the telling is tried again
            log.warn("task {} on {} failed its last try, and telling so failed too ({}); it comes back", task.event().envelope().eventId(),
                    queue.name(), e.toString());
            return result;
        }
    }
}
