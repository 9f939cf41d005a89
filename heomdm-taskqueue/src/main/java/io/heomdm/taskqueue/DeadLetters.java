package io.heomdm.taskqueue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter console of a {@link TaskQueue}: what is parked for each queue, what each parked
 * task is, sending parked tasks back with their envelope (eventId, trace) intact, and purging.
 * A redrive moves at most the tasks parked when it began, so a task that fails again while it runs
 * is not moved round forever, and it removes a task from the dead letters only after the
 * destination accepted it: a failure part-way duplicates at worst (handlers deduplicate by
 * eventId) and never loses a task.
 */
public interface DeadLetters {
    /** Header or message attribute with the reason the worker gave when it parked a task. */
    String REASON = "heomdm-dead-letter-reason";

    List<DeadLetterQueue> list(List<QueueSpec<?>> sources);

    /** Up to {@code max} parked tasks of the source queue's dead letters, read without consuming them. */
    List<ParkedTask> show(QueueSpec<?> source, int max);

    /** Moves every task parked for {@code source} to {@code destination} (normally {@code source} itself). */
    Redrive redrive(QueueSpec<?> source, QueueSpec<?> destination);

    /** Deletes every task parked for the source queue. */
    void purge(QueueSpec<?> source);

    record DeadLetterQueue(String name, String source, long messages) {
    }

    /**
     * One parked task as the console shows it.
     *
     * @param reason  why the worker parked it; null when the queue itself moved it (SQS's redrive policy)
     * @param payload the task as JSON; null when it cannot be decoded, and then {@code problem} says why
     */
    record ParkedTask(String id, Map<String, String> envelope, int receives, String reason, ObjectNode payload, String problem) {
    }

    /** How the tasks were moved, and how many. */
    record Redrive(String method, long moved) {
    }
}
