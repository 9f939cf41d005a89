package io.heomdm.decisions.campaigns;

import io.heomdm.eventlog.AsyncEventHandler;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where the log becomes work: each gate decision on {@code campaigns.deliveries.v1} is recorded in
 * the read model, and each SENT one becomes a {@code SendNotification} task on the notifications
 * queue whose eventId is the message's idempotency key. A decision read twice (a restart before the
 * offset commit) is stored once and queued with the same id, which the worker's idempotency store
 * turns into one message.
 */
public final class DeliveryDispatcher implements AsyncEventHandler {
    public static final String CONSUMER_GROUP = "campaigns.dispatcher";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
    private final TaskQueue tasks;
    private final CampaignDeliveries deliveries;
    private final InstantSource clock;

    public DeliveryDispatcher(TaskQueue tasks, CampaignDeliveries deliveries, InstantSource clock) {
        this.tasks = tasks;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> handle(Event<SpecificRecord> event) {
        if (!(event.payload() instanceof DeliveryDecided d)) {
            return CompletableFuture.completedFuture(null);
        }
        UUID deliveryId = UUID.fromString(d.getDeliveryId());
        deliveries.record(new CampaignDeliveries.Delivery(event.envelope().eventId(), deliveryId, d.getCustomerId(), d.getSource(),
                d.getStep(), d.getChannel().name(), d.getTemplate(), d.getOutcome().name(), d.getReason(), d.getDeferredUntil(),
                event.envelope().occurredAt()));
        if (d.getOutcome() != DeliveryOutcome.SENT) {
            return CompletableFuture.completedFuture(null);
        }
        var taskEnvelope = event.envelope().causing(deliveryId, EventCatalog.SEND_NOTIFICATION.name(), EventCatalog.SEND_NOTIFICATION.version(),
                d.getCustomerId(), clock.instant());
        var task = SendNotification.newBuilder().setCustomerId(d.getCustomerId()).setChannel(d.getChannel()).setRecipient(d.getRecipient())
                .setTemplate(d.getTemplate()).setVariables(d.getVariables()).setTransactional(d.getTransactional()).setCampaignId(d.getSource())
                .build();
        return tasks.send(TaskQueues.NOTIFICATIONS, new Event<>(taskEnvelope, task)).orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
