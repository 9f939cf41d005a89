package io.heomdm.taskqueue;

import io.heomdm.events.Event;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reliable work: tasks are sent to queues and executed by competing workers, retried with
 * backoff, and parked in a dead-letter queue when they keep failing.
 *
 * <p>Thread-safe. A send's future completes when the queue has accepted the task. On FIFO queues
 * the envelope's key is the ordering group and its eventId the deduplication id, so sending the
 * same task twice queues it once (within the queue's deduplication window).
 */
public interface TaskQueue extends AutoCloseable {

    /** Creates the queue and its dead-letter queue with the redrive policy, if they do not exist. Idempotent. */
    void declare(QueueSpec<?> queue);

    <T extends SpecificRecord> CompletableFuture<Void> send(QueueSpec<T> queue, Event<T> task);

    /**
     * Sends in batches; the future fails naming every task the queue refused. On FIFO queues the
     * tasks of one key are queued in list order. (Separate {@link #send} calls keep their order
     * only if each waits for the one before.)
     */
    <T extends SpecificRecord> CompletableFuture<Void> sendAll(QueueSpec<T> queue, List<Event<T>> tasks);

    /** Starts workers that receive from the queue and run the handler; close the returned worker to stop them. */
    <T extends SpecificRecord> Worker startWorker(QueueSpec<T> queue, TaskHandler<T> handler, WorkerSettings settings);

    /** Messages waiting, and received but not yet deleted. */
    QueueDepth depth(QueueSpec<?> queue);

    /** The console of the dead-letter queues (or topics) of this transport. */
    DeadLetters deadLetters();

    /**
     * Whether a send's failure (or one of its causes) says the transport is away — down,
     * unreachable, overloaded — rather than refusing the task: worth waiting out, not counting
     * against the task.
     */
    boolean unavailable(Throwable failure);

    @Override
    void close();

    record QueueDepth(long visible, long inFlight) {
    }

    /** A running worker. */
    interface Worker extends AutoCloseable {
        /**
         * Stops receiving, lets running handlers finish within the grace period, and makes the
         * messages of handlers that did not finish visible again at once.
         */
        @Override
        void close();
    }
}
