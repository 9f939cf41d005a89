package io.heomdm.tasks;

import io.heomdm.events.schema.UpdateCrmRecord;
import io.heomdm.storage.CrmRecords;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.TaskResult;
import java.time.InstantSource;

/**
 * Applies {@link UpdateCrmRecord} tasks to the CRM record table. The queue is FIFO per customer,
 * so one customer's updates arrive, and are applied, in the order they were sent; the update and
 * its idempotency row share a transaction, so a redelivery changes nothing.
 */
public final class CrmUpdateHandler implements TaskHandler<UpdateCrmRecord> {
    public static final String CONSUMER = "crm-update";

    private final ProcessedMessages processed;
    private final TaskOutcomeLog outcomes;
    private final InstantSource clock;

    public CrmUpdateHandler(ProcessedMessages processed, TaskOutcomeLog outcomes, InstantSource clock) {
        this.processed = processed;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @Override
    public TaskResult handle(ReceivedTask<UpdateCrmRecord> task) throws Exception {
        var envelope = task.event().envelope();
        var update = task.event().payload();
        if (update.getFields().isEmpty()) {
            return outcomes.poison(CONSUMER, TaskQueues.CRM_UPDATES, task, "an update must name at least one field");
        }
        processed.runOnce(CONSUMER, envelope.eventId(), c -> {
            CrmRecords.upsert(c, update.getCustomerId(), update.getFields(), envelope.eventId(), clock.instant());
            outcomes.recordCompleted(c, CONSUMER, TaskQueues.CRM_UPDATES, task, update.getFields().size() + " field(s)");
            return null;
        });
        return outcomes.publishCompleted(CONSUMER, envelope);
    }
}
