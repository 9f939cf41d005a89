package io.heomdm.taskqueue;

import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.events.schema.UpdateCrmRecord;
import java.time.Duration;
import java.util.List;

/** HEOMDM's task queues. */
public final class TaskQueues {
    /** Messages to customers; order does not matter, throughput does: a standard queue. */
    public static final QueueSpec<SendNotification> NOTIFICATIONS =
            new QueueSpec<>("notifications", EventCatalog.SEND_NOTIFICATION, false, Duration.ofSeconds(30), 5);
    /** CRM upserts, in order per customer. */
    public static final QueueSpec<UpdateCrmRecord> CRM_UPDATES =
            new QueueSpec<>("crm-updates.fifo", EventCatalog.UPDATE_CRM_RECORD, true, Duration.ofSeconds(30), 5);
    /** Ledger charges, in order per account and deduplicated by charge. */
    public static final QueueSpec<RecordBillingCharge> BILLING =
            new QueueSpec<>("billing.fifo", EventCatalog.RECORD_BILLING_CHARGE, true, Duration.ofSeconds(30), 5);

    private TaskQueues() {
    }

    public static List<QueueSpec<?>> all() {
        return List.of(NOTIFICATIONS, CRM_UPDATES, BILLING);
    }
}
