package io.heomdm.tasks;

import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.storage.TaskOutcomes;
import io.heomdm.storage.TaskOutcomes.TaskOutcome;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What every task handler does with its outcome: the row goes into the side effect's transaction;
 * the {@code TaskCompleted} / {@code TaskFailed} event goes to {@code tasks.outcomes.v1} after it.
 *
 * <p>The log is a dependency of every handler, behind its circuit breaker: while it does not take
 * outcomes the workers receive no task ({@link #admit}), so that a long Kafka outage leaves the
 * tasks in their queue instead of doing their side effects and then spending a receive every
 * {@link #OUTCOME_RETRY} on an outcome the log refuses, until the queue's redrive policy parks them.
 *
 * <p>The outcome's eventId is derived from the task's, and the completed outcome is published again
 * whenever the task is redelivered, so a crash between commit and publish loses no outcome and a
 * second publish deduplicates downstream. Thread-safe.
 */
public final class TaskOutcomeLog {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(15);
    /**
     * When a done task's outcome is tried again while the log does not take it: the side effect is
     * behind it, so the next try costs one publish, and a fixed wait puts the outcome out within
     * seconds of the log's return instead of after a back-off grown by the outage. Not shorter: each
     * try is a receive, and the queue's redrive policy parks a task on its own after
     * {@code maxReceiveCount + REDRIVE_MARGIN} of them (8 for notifications) — at 5 s, a minute of
     * Kafka down parked two done notifications that way.
     */
    static final Duration OUTCOME_RETRY = Duration.ofSeconds(15);

    private final TaskOutcomes outcomes;
    private final EventPublisher publisher;
    private final Dependency log;
    private final InstantSource clock;

    /** @param log the breaker of {@code publisher}'s log: see {@link #dependency} */
    public TaskOutcomeLog(TaskOutcomes outcomes, EventPublisher publisher, Dependency log, InstantSource clock) {
        this.outcomes = outcomes;
        this.publisher = publisher;
        this.log = log;
        this.clock = clock;
    }

    /**
     * The log's breaker. It counts against the log only what says the log is away (a timeout, a
     * retriable error); {@code takesWrites} probes it while open — a TCP connect would not do, for a
     * cluster with too few in-sync replicas accepts connections and still refuses every write.
     */
    public static Dependency dependency(BooleanSupplier takesWrites) {
        return new Dependency("the event log (" + MarketTopics.TASK_OUTCOMES.name() + ")", takesWrites, TaskOutcomeLog::logAway);
    }

    /** How many of {@code wanted} tasks a worker may take: none while the log refuses outcomes (see {@link Dependency#admit}). */
    public int admit(int wanted) {
        return log.admit(wanted);
    }

    /** Whether the log is taken for down: a failure now is its outage, not the task's. */
    public boolean down() {
        return log.down();
    }

    /** Records the completed outcome inside the side effect's transaction. */
    public void recordCompleted(Connection c, String consumer, QueueSpec<?> queue, ReceivedTask<?> task, String detail) throws SQLException {
        Envelope e = task.event().envelope();
        TaskOutcomes.insert(c, new TaskOutcome(e.eventId(), consumer, EventIds.derive(e.eventId(), consumer + "/outcome"), e.type(),
                queue.name(), "COMPLETED", task.receiveCount(), detail, e.correlationId(), e.causationId(), e.traceparent(), clock.instant()));
    }

    /**
     * Publishes the recorded outcome of a task: after the commit, and again on every redelivery.
     * When the log does not take it, the task is done but not yet told: that is the log's outage,
     * never the task's failure — a task whose side effect happened must not be parked (nor told
     * failed) because its outcome could not be published on what was its last try.
     */
    public TaskResult publishCompleted(String consumer, Envelope task) throws Exception {
        TaskOutcome stored = outcomes.find(task.eventId(), consumer)
                .orElseThrow(() -> new IllegalStateException("no outcome recorded for task " + task.eventId() + " by " + consumer));
        try {
            publish(task, stored.outcomeEventId(), EventCatalog.TASK_COMPLETED.name(),
                    new TaskCompleted(task.eventId().toString(), task.type(), stored.queue(), stored.attempts(), stored.detail()));
        } catch (Exception e) {
            if (!(e instanceof Dependency.Down) && !logAway(e)) {
                throw e; // the log refuses this record for good (not authorized, too large): a failure someone must see, not an outage
            }
            return TaskResult.outageAfter(OUTCOME_RETRY, "done; its outcome not published yet: "
                    + (e instanceof ExecutionException ? e.getCause() : e));
        }
        return TaskResult.done();
    }

    /** A task that cannot succeed: publish why, and hand it to the dead-letter queue. */
    public TaskResult poison(String consumer, QueueSpec<?> queue, ReceivedTask<?> task, String error) throws Exception {
        publishFailed(consumer, queue, task, error);
        return TaskResult.poison(error);
    }

    /**
     * Publishes that a task failed for good (poison, or out of attempts: {@code TaskHandler.exhausted}),
     * so the sagas waiting on it settle; the same eventId whichever way it failed, so one failure is one event.
     */
    public void publishFailed(String consumer, QueueSpec<?> queue, ReceivedTask<?> task, String error) throws Exception {
        Envelope e = task.event().envelope();
        publish(e, EventIds.derive(e.eventId(), consumer + "/failure"), EventCatalog.TASK_FAILED.name(),
                new TaskFailed(e.eventId().toString(), e.type(), queue.name(), task.receiveCount(), error, true, e.key()));
    }

    private void publish(Envelope task, UUID outcomeId, String type, SpecificRecord outcome) throws Exception {
        Envelope e = task.causing(outcomeId, type, 1, task.eventId().toString(), clock.instant());
        log.call(() -> publisher.publish(MarketTopics.TASK_OUTCOMES, new Event<>(e, outcome)).get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Whether a publish's failure says the log is away (no answer in time, a retriable error), not that it refused the record. */
    static boolean logAway(Throwable failure) {
        return failure instanceof TimeoutException || failure instanceof RetriableException
                || failure instanceof ExecutionException && failure.getCause() instanceof RetriableException;
    }
}
