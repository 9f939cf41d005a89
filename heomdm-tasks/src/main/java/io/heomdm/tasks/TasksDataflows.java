package io.heomdm.tasks;

import static io.heomdm.events.EventCatalog.TASK_COMPLETED;
import static io.heomdm.events.EventCatalog.TASK_FAILED;

import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.TaskQueues;
import java.util.List;

/** What the task workers read and write: each takes its queue's tasks and records every outcome on the log (through the outbox). */
public final class TasksDataflows {
    public static final Dataflow NOTIFICATIONS = worker(NotificationHandler.CONSUMER, TaskQueues.NOTIFICATIONS, "sends e-mails and webhooks");
    public static final Dataflow CRM_UPDATES = worker(CrmUpdateHandler.CONSUMER, TaskQueues.CRM_UPDATES, "upserts CRM records, in order per customer");
    public static final Dataflow BILLING = worker(BillingHandler.CONSUMER, TaskQueues.BILLING, "appends charges to the ledger, once each");

    private TasksDataflows() {
    }

    public static List<Dataflow> all() {
        return List.of(NOTIFICATIONS, CRM_UPDATES, BILLING);
    }

    private static Dataflow worker(String consumer, QueueSpec<?> queue, String summary) {
        return Dataflow.of(consumer + " worker", summary)
                .readsQueue(queue.name(), queue.taskType())
                .writes(MarketTopics.TASK_OUTCOMES, TASK_COMPLETED, TASK_FAILED)
                .build();
    }
}
