package io.heomdm.tasks;

import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.storage.CustomerMessages;
import io.heomdm.storage.CustomerMessages.CustomerMessage;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.storage.TaskOutcomes;
import io.heomdm.storage.TaskOutcomes.TaskOutcome;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.TaskResult;
import jakarta.mail.internet.AddressException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * Delivers {@link SendNotification} tasks by e-mail.
 *
 * <p>The e-mail, the customer-message row and the outcome row happen in one transaction with the
 * idempotency row, so a redelivered task sends nothing twice once that transaction has committed.
 * (A crash after the SMTP server accepted the mail and before the commit can still send it twice:
 * SMTP has no transaction to join.) The outcome is then published to {@code tasks.outcomes.v1}
 * with an eventId derived from the task's, and published again on a redelivery, so a crash between
 * commit and publish loses no outcome and a second publish deduplicates downstream.
 */
public final class NotificationHandler implements TaskHandler<SendNotification> {
    public static final String CONSUMER = "notification";
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(15);

    private final Mailer mailer;
    private final NotificationTemplates templates;
    private final ProcessedMessages processed;
    private final TaskOutcomes outcomes;
    private final EventPublisher publisher;
    private final InstantSource clock;

    public NotificationHandler(Mailer mailer, NotificationTemplates templates, ProcessedMessages processed, TaskOutcomes outcomes,
            EventPublisher publisher, InstantSource clock) {
        this.mailer = mailer;
        this.templates = templates;
        this.processed = processed;
        this.outcomes = outcomes;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public TaskResult handle(ReceivedTask<SendNotification> task) throws Exception {
        Envelope envelope = task.event().envelope();
        SendNotification n = task.event().payload();
        if (n.getChannel() != Channel.EMAIL) {
            return fail(task, "no transport for channel " + n.getChannel() + " is configured");
        }
        NotificationTemplates.Rendered content;
        try {
            content = templates.render(n.getTemplate(), n.getVariables());
        } catch (NotificationTemplates.UnknownTemplateException e) {
            return fail(task, e.getMessage());
        }
        UUID outcomeId = EventIds.derive(envelope.eventId(), CONSUMER + "/outcome");
        try {
            processed.runOnce(CONSUMER, envelope.eventId(), c -> {
                var now = clock.instant();
                CustomerMessages.insert(c, new CustomerMessage(envelope.eventId(), n.getCustomerId(), n.getChannel().name(),
                        n.getRecipient(), n.getTemplate(), content.subject(), "SENT", envelope.correlationId(), envelope.traceparent(), now));
                TaskOutcomes.insert(c, new TaskOutcome(envelope.eventId(), CONSUMER, outcomeId, envelope.type(), TaskQueues.NOTIFICATIONS.name(),
                        "COMPLETED", task.receiveCount(), null, envelope.correlationId(), envelope.causationId(), envelope.traceparent(), now));
                mailer.send(n.getRecipient(), content);
                return null;
            });
        } catch (RuntimeException e) {
            if (e.getCause() instanceof AddressException bad) {
                return fail(task, "recipient is not an e-mail address: " + bad.getMessage());
            }
            throw e;
        }
        TaskOutcome stored = outcomes.find(envelope.eventId(), CONSUMER).orElseThrow();
        publish(envelope, stored.outcomeEventId(), EventCatalog.TASK_COMPLETED.name(),
                new TaskCompleted(envelope.eventId().toString(), envelope.type(), stored.queue(), stored.attempts(), null));
        return TaskResult.done();
    }

    /** A task that cannot succeed: record and publish why, and hand it to the dead-letter queue. */
    private TaskResult fail(ReceivedTask<SendNotification> task, String error) throws Exception {
        Envelope envelope = task.event().envelope();
        UUID outcomeId = EventIds.derive(envelope.eventId(), CONSUMER + "/failure");
        publish(envelope, outcomeId, EventCatalog.TASK_FAILED.name(),
                new TaskFailed(envelope.eventId().toString(), envelope.type(), TaskQueues.NOTIFICATIONS.name(), task.receiveCount(), error, true));
        return TaskResult.poison(error);
    }

    private void publish(Envelope task, UUID outcomeId, String type, SpecificRecord outcome) throws Exception {
        Envelope e = task.causing(outcomeId, type, 1, task.eventId().toString(), clock.instant());
        publisher.publish(MarketTopics.TASK_OUTCOMES, new Event<>(e, outcome)).get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
