package io.heomdm.eventlog;

import java.time.Duration;

/**
 * Reads a topic as a member of a consumer group: the group's members share its partitions.
 * Offsets are committed only after the handler has returned for every event up to them, so a
 * crash redelivers (at least once), never skips.
 */
public interface EventSubscriber {

    Subscription subscribe(String consumerGroup, TopicSpec topic, EventHandler handler);

    /**
     * The same with a handler that completes later: events are processed side by side, and polling goes
     * on while they run (up to 10,000 in flight), so a handler waiting on a remote acknowledgement does
     * not hold the next events back. Offsets still move only over events whose handlers completed.
     */
    Subscription subscribeAsync(String consumerGroup, TopicSpec topic, AsyncEventHandler handler);

    /** A running subscription; closing it stops polling after the event in hand and commits what was processed. */
    interface Subscription extends AutoCloseable {
        /** Waits until the group has given this member its partitions. */
        void awaitAssignment(Duration timeout);

        /** False once its thread stopped, or while polling fails (the thread keeps trying). */
        boolean isRunning();

        /** Events parked in the group's dead-letter topic since it started. */
        long deadLettered();

        @Override
        void close();
    }
}
