package io.heomdm.taskqueue;

import io.heomdm.events.EventType;
import java.time.Duration;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * A typed queue descriptor, the only way code names a queue: its name, the task type it carries,
 * whether it is FIFO (ordered and deduplicated per key), and its retry policy. Every queue has a
 * dead-letter queue that the broker's redrive policy fills after {@code maxReceiveCount} receives.
 */
public record QueueSpec<T extends SpecificRecord>(String name, EventType<T> taskType, boolean fifo,
        Duration visibilityTimeout, int maxReceiveCount) {

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
