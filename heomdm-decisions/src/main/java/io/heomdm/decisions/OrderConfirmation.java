package io.heomdm.decisions;

import io.heomdm.eventlog.AsyncEventHandler;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional order confirmation: every {@code OrderPlaced} that carries an e-mail address
 * becomes one {@code SendNotification} task on the notifications queue.
 *
 * <p>The task's eventId is derived from the order's, so an order redelivered from the log (a crash
 * before the offset commit) yields the same task id, and the notification worker's idempotency
 * check sends one e-mail. Transactional messages bypass marketing consent and caps.
 */
public final class OrderConfirmation implements AsyncEventHandler {
    public static final String CONSUMER_GROUP = "decisions.order-confirmation";
    public static final String TEMPLATE = "order-confirmation";
    private static final Logger log = LoggerFactory.getLogger(OrderConfirmation.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final TaskQueue tasks;
    private final InstantSource clock;

    public OrderConfirmation(TaskQueue tasks, InstantSource clock) {
        this.tasks = tasks;
        this.clock = clock;
    }

    @Override
    public boolean accepts(String eventType) {
        return EventCatalog.ORDER_PLACED.name().equals(eventType);
    }

    /** Completes when the queue has accepted the task: the subscriber does not wait for one order before reading the next. */
    @Override
    public CompletionStage<Void> handle(Event<SpecificRecord> event) {
        if (!(event.payload() instanceof OrderPlaced order)) {
            return CompletableFuture.completedFuture(null);
        }
        if (order.getEmail() == null) {
            log.debug("order {} has no e-mail address; no confirmation", order.getOrderId());
            return CompletableFuture.completedFuture(null);
        }
        Envelope taskEnvelope = event.envelope().causing(EventIds.derive(event.envelope().eventId(), TEMPLATE),
                EventCatalog.SEND_NOTIFICATION.name(), EventCatalog.SEND_NOTIFICATION.version(), order.getCustomerId(), clock.instant());
        int items = order.getLines().stream().mapToInt(l -> l.getQuantity()).sum();
        var task = SendNotification.newBuilder()
                .setCustomerId(order.getCustomerId())
                .setChannel(Channel.EMAIL)
                .setRecipient(order.getEmail())
                .setTemplate(TEMPLATE)
                .setVariables(Map.of(
                        "orderId", order.getOrderId(),
                        "total", order.getTotal().toPlainString(),
                        "currency", order.getCurrency(),
                        "itemCount", String.valueOf(items)))
                .setTransactional(true)
                .build();
        return tasks.send(TaskQueues.NOTIFICATIONS, new Event<>(taskEnvelope, task)).orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
