package io.heomdm.taskqueue.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Which attempt at a task a receive is. On a standard queue, SQS's receive count. On a FIFO queue
 * the worker counts itself: a message given back unattempted behind a failing one of its group was
 * received all the same, and SQS counted that, so its count would park tasks never tried.
 */
final class Attempts {
    /** Counts kept at most: tasks settled by another worker are never forgotten here otherwise. */
    static final int MAX_COUNTED = 100_000;

    private final boolean fifo;
    private final Map<String, Integer> counted = new ConcurrentHashMap<>();

    Attempts(boolean fifo) {
        this.fifo = fifo;
    }

    /** A handler is about to try the task: this receive's attempt. */
    int begin(Message m) {
        if (!fifo) {
            return SqsMessages.receiveCount(m);
        }
        if (counted.size() > MAX_COUNTED) {
            counted.clear(); // forgetting a count only grants attempts, it never takes one away
        }
        return counted.merge(m.messageId(), 1, Integer::sum);
    }

    /** The attempts made so far, for the backoff before the next. */
    int made(Message m) {
        return fifo ? counted.getOrDefault(m.messageId(), 1) : SqsMessages.receiveCount(m);
    }

    /** The task is done or parked: its count is not needed any more. */
    void settled(Message m) {
        counted.remove(m.messageId());
    }
}
