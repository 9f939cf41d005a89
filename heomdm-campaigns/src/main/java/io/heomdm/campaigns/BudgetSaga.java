package io.heomdm.campaigns;

import io.heomdm.eventlog.EventHandler;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.ChargeKind;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.Outbox;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.TaskQueues;
import java.time.InstantSource;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The end of the budget saga (reserve → deliver → capture or release), run without a global lock:
 * reads the task outcomes, and for a notification that held budget, in one transaction with its
 * idempotency row, settles the hold (captured when delivered, released when it failed for good)
 * and writes the ledger's CAPTURE or RELEASE to the outbox for the billing queue.
 */
public final class BudgetSaga implements EventHandler {
    public static final String CONSUMER_GROUP = "campaigns.budget-saga";
    private final ProcessedMessages processed;
    private final InstantSource clock;

    public BudgetSaga(ProcessedMessages processed, InstantSource clock) {
        this.processed = processed;
        this.clock = clock;
    }

    /** The chargeId of a message's HOLD, which its CAPTURE or RELEASE names. */
    static String holdId(UUID deliveryId) {
        return "hold:" + deliveryId;
    }

    @Override
    public void handle(Event<SpecificRecord> event) {
        String task;
        boolean delivered;
        if (event.payload() instanceof TaskCompleted done && done.getTaskType().equals(EventCatalog.SEND_NOTIFICATION.name())) {
            task = done.getTaskEventId();
            delivered = true;
        } else if (event.payload() instanceof TaskFailed failed && failed.getTaskType().equals(EventCatalog.SEND_NOTIFICATION.name())) {
            task = failed.getTaskEventId();
            delivered = false;
        } else {
            return;
        }
        UUID deliveryId = UUID.fromString(task);
        processed.runOnce(CONSUMER_GROUP, event.envelope().eventId(), c -> {
            var settled = CampaignBudgets.settle(c, deliveryId, delivered, clock.instant());
            if (settled.isPresent()) {
                var hold = settled.get();
                var kind = delivered ? ChargeKind.CAPTURE : ChargeKind.RELEASE;
                var charge = RecordBillingCharge.newBuilder().setChargeId(kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + deliveryId)
                        .setAccountId(hold.accountId()).setAmount(hold.amount()).setCurrency(hold.currency()).setKind(kind)
                        .setHoldId(holdId(deliveryId)).setDescription(hold.campaignId()).build();
                var type = EventCatalog.RECORD_BILLING_CHARGE;
                Outbox.append(c, Outbox.queue(TaskQueues.BILLING.name()), new Event<>(event.envelope().causing(EventIds.derive(deliveryId,
                        kind.name()), type.name(), type.version(), hold.accountId(), clock.instant()), charge), clock.instant());
            }
            return null;
        });
    }
}
