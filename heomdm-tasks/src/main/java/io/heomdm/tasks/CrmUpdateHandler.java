package io.heomdm.tasks;

import io.heomdm.events.schema.UpdateCrmRecord;
import io.heomdm.storage.CrmRecords;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.TaskResult;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

/**
 * Applies {@link UpdateCrmRecord} tasks to the CRM record table, and, when one is configured, to
 * an external CRM's HTTP endpoint within the same transaction (its Idempotency-Key is the task's
 * eventId; a refusal is poison). The queue is FIFO per customer,
 * so one customer's updates arrive, and are applied, in the order they were sent; the update and
 * its idempotency row share a transaction, so a redelivery changes nothing.
 */
public final class CrmUpdateHandler implements TaskHandler<UpdateCrmRecord> {
    public static final String CONSUMER = "crm-update";

    private final ProcessedMessages processed;
    private final Optional<Webhook> endpoint;
    private final TaskOutcomeLog outcomes;
    private final InstantSource clock;

    public CrmUpdateHandler(ProcessedMessages processed, Optional<Webhook> endpoint, TaskOutcomeLog outcomes, InstantSource clock) {
        this.processed = processed;
        this.endpoint = endpoint;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** None while the CRM's endpoint or the log of outcomes is down. */
    @Override
    public int admit(int wanted) {
        return Math.min(outcomes.admit(wanted), endpoint.map(w -> w.endpoint().admit(wanted)).orElse(wanted));
    }

    @Override
    public boolean outage() {
        return outcomes.down() || endpoint.map(w -> w.endpoint().down()).orElse(false);
    }

    /** Out of attempts: a TaskFailed, so a campaign's budget hold or a charge's saga settles. */
    @Override
    public void exhausted(ReceivedTask<UpdateCrmRecord> task, String lastError) throws Exception {
        outcomes.publishFailed(CONSUMER, TaskQueues.CRM_UPDATES, task, "out of attempts; last: " + lastError);
    }

    @Override
    public TaskResult handle(ReceivedTask<UpdateCrmRecord> task) throws Exception {
        var envelope = task.event().envelope();
        var update = task.event().payload();
        if (update.getFields().isEmpty()) {
            return outcomes.poison(CONSUMER, TaskQueues.CRM_UPDATES, task, "an update must name at least one field");
        }
        ProcessedMessages.Outcome outcome;
        try {
            // the webhook call holds no database connection; the CRM record and the outcome are written after it
            outcome = processed.callOnce(CONSUMER, envelope.eventId(), NotificationHandler.CALL_LEASE, () -> {
                if (endpoint.isPresent()) {
                    endpoint.get().post(envelope.eventId(), Map.of("customerId", update.getCustomerId(), "fields", update.getFields()));
                }
            }, c -> {
                CrmRecords.upsert(c, update.getCustomerId(), update.getFields(), envelope.eventId(), clock.instant());
                outcomes.recordCompleted(c, CONSUMER, TaskQueues.CRM_UPDATES, task, update.getFields().size() + " field(s)");
                return null;
            });
        } catch (Webhook.Refused refused) {
            return outcomes.poison(CONSUMER, TaskQueues.CRM_UPDATES, task, refused.getMessage());
        }
        if (outcome == ProcessedMessages.Outcome.BUSY) {
            return TaskResult.retryAfter(NotificationHandler.CALL_LEASE, "another delivery of this task holds it (it may be posting it now)");
        }
        return outcomes.publishCompleted(CONSUMER, envelope);
    }
}
