package io.heomdm.tasks;

import io.heomdm.events.schema.ChargeKind;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.storage.BillingLedger;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.TaskResult;
import java.time.InstantSource;

/**
 * Appends {@link RecordBillingCharge} tasks to the ledger exactly once: the idempotency row
 * stops a redelivered task, the ledger's key on chargeId stops the same charge sent under two
 * task ids, and both are in the ledger row's transaction.
 */
public final class BillingHandler implements TaskHandler<RecordBillingCharge> {
    public static final String CONSUMER = "billing";

    private final ProcessedMessages processed;
    private final TaskOutcomeLog outcomes;
    private final InstantSource clock;

    public BillingHandler(ProcessedMessages processed, TaskOutcomeLog outcomes, InstantSource clock) {
        this.processed = processed;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** None while the log of outcomes is down. */
    @Override
    public int admit(int wanted) {
        return outcomes.admit(wanted);
    }

    @Override
    public boolean outage() {
        return outcomes.down();
    }

    /** Out of attempts: a TaskFailed, so a campaign's budget hold or a charge's saga settles. */
    @Override
    public void exhausted(ReceivedTask<RecordBillingCharge> task, String lastError) throws Exception {
        outcomes.publishFailed(CONSUMER, TaskQueues.BILLING, task, "out of attempts; last: " + lastError);
    }

    @Override
    public TaskResult handle(ReceivedTask<RecordBillingCharge> task) throws Exception {
        var envelope = task.event().envelope();
        var charge = task.event().payload();
        if (charge.getAmount().signum() == 0) {
            return outcomes.poison(CONSUMER, TaskQueues.BILLING, task, "a charge of zero is not a charge");
        }
        if ((charge.getKind() == ChargeKind.CAPTURE || charge.getKind() == ChargeKind.RELEASE) && charge.getHoldId() == null) {
            return outcomes.poison(CONSUMER, TaskQueues.BILLING, task, "a " + charge.getKind() + " must name the hold it settles (holdId)");
        }
        if (!charge.getCurrency().matches("[A-Z]{3}")) {
            return outcomes.poison(CONSUMER, TaskQueues.BILLING, task, "currency must be an ISO 4217 code such as EUR");
        }
        processed.runOnce(CONSUMER, envelope.eventId(), c -> {
            boolean appended = BillingLedger.append(c, new BillingLedger.Charge(charge.getChargeId(), charge.getAccountId(),
                    charge.getAmount().setScale(2, java.math.RoundingMode.UNNECESSARY), charge.getCurrency(), charge.getDescription(),
                    charge.getKind().name(), charge.getHoldId()),
                    envelope.eventId(), clock.instant());
            outcomes.recordCompleted(c, CONSUMER, TaskQueues.BILLING, task,
                    appended ? "charged " + charge.getAmount() : "charge " + charge.getChargeId() + " was already in the ledger");
            return null;
        });
        return outcomes.publishCompleted(CONSUMER, envelope);
    }
}
