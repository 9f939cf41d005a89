package io.heomdm.tasks;

import io.heomdm.events.Envelope;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.storage.CustomerMessages;
import io.heomdm.storage.CustomerMessages.CustomerMessage;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.TaskResult;
import jakarta.mail.internet.AddressException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * Delivers {@link SendNotification} tasks: e-mail over SMTP; SMS and push to their configured
 * webhooks (a gateway such as an SMS provider's); a channel with no transport configured is poison.
 *
 * <p>The delivery, the customer-message row and the outcome row happen in one transaction with the
 * idempotency row, so a redelivered task sends nothing twice once that transaction has committed.
 * (A crash after the server accepted the message and before the commit can still send it twice:
 * SMTP has no transaction to join; webhooks get the task's eventId as their Idempotency-Key.)
 */
public final class NotificationHandler implements TaskHandler<SendNotification> {
    public static final String CONSUMER = "notification";
    /** How a TaskFailed's error starts when the recipient was refused for good (see the schema's doc). */
    public static final String BOUNCE = "bounce: ";
    /**
     * How long a delivery may take over a mail or webhook call before its claim counts as a dead
     * delivery's: above the SMTP client's timeouts (5 s connect, 10 s per read and write) and the
     * webhooks' (10 s).
     */
    static final Duration CALL_LEASE = Duration.ofMinutes(1);

    private final Mailer mailer;
    private final Map<Channel, Webhook> webhooks;
    private final NotificationTemplates templates;
    private final ProcessedMessages processed;
    private final TaskOutcomeLog outcomes;
    private final InstantSource clock;

    public NotificationHandler(Mailer mailer, Map<Channel, Webhook> webhooks, NotificationTemplates templates, ProcessedMessages processed,
            TaskOutcomeLog outcomes, InstantSource clock) {
        this.mailer = mailer;
        this.webhooks = Map.copyOf(webhooks);
        this.templates = templates;
        this.processed = processed;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /**
     * None while the SMTP server, a webhook or the log of outcomes is down: a task in the queue cannot tell which
     * transport it needs before it is received.
     */
    @Override
    public int admit(int wanted) {
        int admitted = Math.min(outcomes.admit(wanted), mailer.server().map(d -> d.admit(wanted)).orElse(wanted));
        for (Webhook w : webhooks.values()) {
            admitted = Math.min(admitted, w.endpoint().admit(wanted));
        }
        return admitted;
    }

    @Override
    public boolean outage() {
        return outcomes.down() || mailer.server().map(Dependency::down).orElse(false) || webhooks.values().stream().anyMatch(w -> w.endpoint().down());
    }

    /** Out of attempts: a TaskFailed, so a campaign's budget hold or a charge's saga settles. */
    @Override
    public void exhausted(ReceivedTask<SendNotification> task, String lastError) throws Exception {
        outcomes.publishFailed(CONSUMER, TaskQueues.NOTIFICATIONS, task, "out of attempts; last: " + lastError);
    }

    @Override
    public TaskResult handle(ReceivedTask<SendNotification> task) throws Exception {
        Envelope envelope = task.event().envelope();
        SendNotification n = task.event().payload();
        Webhook webhook = webhooks.get(n.getChannel());
        if (n.getChannel() != Channel.EMAIL && webhook == null) {
            return outcomes.poison(CONSUMER, TaskQueues.NOTIFICATIONS, task, "no transport for channel " + n.getChannel() + " is configured");
        }
        NotificationTemplates.Rendered content;
        try {
            content = templates.render(n.getTemplate(), n.getVariables());
        } catch (NotificationTemplates.UnknownTemplateException e) {
            return outcomes.poison(CONSUMER, TaskQueues.NOTIFICATIONS, task, e.getMessage());
        }
        ProcessedMessages.Outcome outcome;
        try {
            // the mail or webhook call holds no database connection; the row that says it was sent is written after it
            outcome = processed.callOnce(CONSUMER, envelope.eventId(), CALL_LEASE, () -> {
                if (webhook == null) {
                    mailer.send(n.getRecipient(), content);
                } else {
                    webhook.post(envelope.eventId(), Map.of("customerId", n.getCustomerId(), "channel", n.getChannel().name(),
                            "recipient", n.getRecipient(), "subject", content.subject(), "text", content.text()));
                }
            }, c -> {
                CustomerMessages.insert(c, new CustomerMessage(envelope.eventId(), n.getCustomerId(), n.getChannel().name(),
                        n.getRecipient(), n.getTemplate(), content.subject(), "SENT", envelope.correlationId(), envelope.traceparent(),
                        clock.instant()));
                outcomes.recordCompleted(c, CONSUMER, TaskQueues.NOTIFICATIONS, task, null);
                return null;
            });
        } catch (AddressException bad) {
            return outcomes.poison(CONSUMER, TaskQueues.NOTIFICATIONS, task, "recipient is not an e-mail address: " + bad.getMessage());
        } catch (jakarta.mail.SendFailedException failed) {
            if (failed.getInvalidAddresses() != null && failed.getInvalidAddresses().length > 0) {
                // the server refused the recipient for good (5xx): a bounce, which the campaign service's suppression list reads
                return outcomes.poison(CONSUMER, TaskQueues.NOTIFICATIONS, task, BOUNCE + failed.getMessage());
            }
            throw failed;
        } catch (Webhook.Refused refused) {
            return outcomes.poison(CONSUMER, TaskQueues.NOTIFICATIONS, task, refused.getMessage());
        }
        if (outcome == ProcessedMessages.Outcome.BUSY) {
            return TaskResult.retryAfter(CALL_LEASE, "another delivery of this task holds it (it may be sending it now)");
        }
        return outcomes.publishCompleted(CONSUMER, envelope);
    }
}
