package io.heomdm.campaigns;

import io.heomdm.eventlog.EventHandler;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.ChargeKind;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.storage.Outbox;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.TaskQueues;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where the log becomes work. Each gate decision on {@code campaigns.deliveries.v1} is, in one
 * transaction with its idempotency row: passed through its campaign's daily cap and budget (the
 * part of the gate that counts across customers, so it cannot live in the per-customer journeys),
 * recorded in the read model, and for a message that goes out, written to the outbox as a
 * {@code SendNotification} task whose eventId is the message's idempotency key, with a billable
 * campaign's {@code RecordBillingCharge} HOLD beside it. The outbox relay queues both; the
 * {@link BudgetSaga} captures or releases the hold when the notification's outcome comes back.
 *
 * <p>A message over the day's cap is deferred to the same time the next day (the gate let it
 * through at this hour of the customer's day, so quiet hours hold then too): the decision is
 * written back to the deliveries topic through the outbox, due then, and admitted again.
 */
public final class DeliveryDispatcher implements EventHandler {
    public static final String CONSUMER_GROUP = "campaigns.dispatcher";
    private final ProcessedMessages processed;
    private final MessageCosts costs;
    private final InstantSource clock;

    public DeliveryDispatcher(ProcessedMessages processed, MessageCosts costs, InstantSource clock) {
        this.processed = processed;
        this.costs = costs;
        this.clock = clock;
    }

    @Override
    public void handle(Event<SpecificRecord> event) {
        if (event.payload() instanceof DeliveryDecided d) {
            processed.runOnce(CONSUMER_GROUP, event.envelope().eventId(), c -> {
                dispatch(c, event.envelope(), d);
                return null;
            });
        }
    }

    private void dispatch(Connection c, Envelope envelope, DeliveryDecided d) throws Exception {
        Instant now = clock.instant();
        UUID deliveryId = UUID.fromString(d.getDeliveryId());
        DeliveryOutcome outcome = d.getOutcome();
        String reason = d.getReason();
        Instant deferredUntil = d.getDeferredUntil();
        var campaign = d.getCampaign();
        if (outcome == DeliveryOutcome.SENT && campaign != null && (campaign.getDailyCap() != null || campaign.getBudget() != null)) {
            var terms = new CampaignBudgets.Terms(campaign.getCampaignId(), campaign.getAccountId(), campaign.getBudget(), campaign.getDailyCap(),
                    costs.currency());
            var admission = CampaignBudgets.admit(c, terms, deliveryId, costs.of(d.getChannel()), now);
            if (admission instanceof CampaignBudgets.Capped capped) {
                outcome = DeliveryOutcome.DEFERRED;
                reason = "daily-cap: " + capped.cap() + " per day";
                deferredUntil = now.plus(Duration.ofDays(1));
                var again = envelope.causing(EventIds.derive(deliveryId, "daily-cap@" + deferredUntil.toEpochMilli()), envelope.type(),
                        envelope.schemaVersion(), envelope.key(), now);
                Outbox.append(c, Outbox.topic(CampaignsTopics.DELIVERIES.name()), new Event<>(again, d), deferredUntil);
            } else if (admission instanceof CampaignBudgets.Exhausted exhausted) {
                outcome = DeliveryOutcome.SUPPRESSED;
                reason = "budget: " + exhausted.left().toPlainString() + " " + costs.currency() + " left of " + exhausted.budget().toPlainString();
            } else if (admission instanceof CampaignBudgets.Admitted admitted && admitted.hold() != null) {
                var hold = RecordBillingCharge.newBuilder().setChargeId(BudgetSaga.holdId(deliveryId)).setAccountId(campaign.getAccountId())
                        .setAmount(admitted.hold()).setCurrency(costs.currency()).setKind(ChargeKind.HOLD)
                        .setDescription(d.getSource() + ": " + d.getChannel().name().toLowerCase(java.util.Locale.ROOT) + " to " + d.getCustomerId())
                        .build();
                var type = EventCatalog.RECORD_BILLING_CHARGE;
                Outbox.append(c, Outbox.queue(TaskQueues.BILLING.name()), new Event<>(envelope.causing(EventIds.derive(deliveryId, "hold"),
                        type.name(), type.version(), campaign.getAccountId(), now), hold), now);
            }
        }
        CampaignDeliveries.record(c, new CampaignDeliveries.Delivery(envelope.eventId(), deliveryId, d.getCustomerId(), d.getSource(),
                d.getStep(), d.getChannel().name(), d.getTemplate(), outcome.name(), reason, deferredUntil, envelope.occurredAt()));
        if (outcome == DeliveryOutcome.SENT) {
            var type = EventCatalog.SEND_NOTIFICATION;
            var task = SendNotification.newBuilder().setCustomerId(d.getCustomerId()).setChannel(d.getChannel()).setRecipient(d.getRecipient())
                    .setTemplate(d.getTemplate()).setVariables(d.getVariables()).setTransactional(d.getTransactional())
                    .setCampaignId(d.getSource()).build();
            Outbox.append(c, Outbox.queue(TaskQueues.NOTIFICATIONS.name()),
                    new Event<>(envelope.causing(deliveryId, type.name(), type.version(), d.getCustomerId(), now), task), now);
        }
    }
}
