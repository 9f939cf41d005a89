package io.heomdm.taskqueue;

import io.heomdm.events.EventType;
import java.time.Duration;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * A typed queue descriptor, the only way code names a queue: its name, the task type it carries,
 * whether it is FIFO (ordered and deduplicated per key), and its retry policy. Every queue has a
 * dead-letter queue. The worker parks a task there itself when it fails on its
 * {@code maxReceiveCount}th receive, after its handler said so ({@link TaskHandler#exhausted});
 * the broker's own redrive policy acts {@link #REDRIVE_MARGIN} receives later, only for a task
 * whose worker died on it each time.
 */
public record QueueSpec<T extends SpecificRecord>(String name, EventType<T> taskType, boolean fifo,
        Duration visibilityTimeout, int maxReceiveCount) {

    /** Receives past {@code maxReceiveCount} before the broker's redrive policy parks a task on its own. */
    public static final int REDRIVE_MARGIN = 3;

    /**
     * The receives after which the broker parks a task itself. On a FIFO queue a task received behind
     * a failing one of its group is given back unattempted, and each such receive counts: there the
     * worker counts attempts itself and the broker's limit is ten times the attempts allowed.
     */
    public int redriveReceiveCount() {
        return fifo ? maxReceiveCount * 10 : maxReceiveCount + REDRIVE_MARGIN;
    }

    public QueueSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(taskType);
        if (fifo != name.endsWith(".fifo")) {
            throw new IllegalArgumentException("a FIFO queue's name must end in .fifo, and only a FIFO queue's: " + name);
        }
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be >= 1");
        }
    }

    public String deadLetterName() {
        return fifo ? name.substring(0, name.length() - ".fifo".length()) + "-dlq.fifo" : name + "-dlq";
    }
}
