package io.heomdm.taskqueue.internal;

import io.heomdm.taskqueue.DeadLetters;
import io.heomdm.taskqueue.QueueSpec;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What a worker asks SQS to do with a message it holds: delete it once done, hide it until its retry,
 * keep it hidden while its handler runs, let it go, or move it to the dead letters. Deletes and
 * visibility changes go through the batch manager, which groups them into batch calls.
 */
final class HeldMessages {
    private static final Logger log = LoggerFactory.getLogger(HeldMessages.class);
    private static final int DELETE_ATTEMPTS = 3;
    private final SqsAsyncClient client;
    private final SqsAsyncBatchManager batcher;
    private final String url;
    private final String deadLetterUrl;
    private final QueueSpec<?> queue;

    HeldMessages(SqsAsyncClient client, SqsAsyncBatchManager batcher, String url, String deadLetterUrl, QueueSpec<?> queue) {
        this.client = client;
        this.batcher = batcher;
        this.url = url;
        this.deadLetterUrl = deadLetterUrl;
        this.queue = queue;
    }

    /** A delete that fails is tried again: a task whose delete is lost would run again (idempotently, but needlessly). */
    CompletableFuture<Void> delete(Message m) {
        return delete(m, 1);
    }

    private CompletableFuture<Void> delete(Message m, int attempt) {
        return batcher.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())).<Void>thenApply(r -> null)
                .exceptionallyCompose(error -> attempt >= DELETE_ATTEMPTS
                        ? CompletableFuture.failedFuture(error)
                        : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(100L << attempt, TimeUnit.MILLISECONDS))
                                .thenCompose(ignored -> delete(m, attempt + 1)));
    }

    /** Hidden for {@code seconds}: for a retry after a backoff, or (the heartbeat) while its handler still runs. */
    CompletableFuture<?> hide(Message m, int seconds) {
        return batcher.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(seconds));
    }

    /** Visible again at once, for another worker (or this one after a restart). */
    void release(Message m) {
        try {
            client.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0)).join();
        } catch (RuntimeException e) {
            log.warn("could not release task {} on {}; it returns after its visibility timeout", m.messageId(), queue.name());
        }
    }

    /** Poison goes to the DLQ at once, body and envelope intact and the reason beside them, so it can be inspected and redriven. */
    void deadLetter(Message m, String reason) {
        log.warn("task {} on {} is poison, moved to {}: {}", m.messageId(), queue.name(), queue.deadLetterName(), reason);
        client.sendMessage(b -> {
            var attributes = new HashMap<>(m.messageAttributes());
            attributes.put(DeadLetters.REASON, MessageAttributeValue.builder().dataType("String").stringValue(reason).build());
            b.queueUrl(deadLetterUrl).messageBody(m.body()).messageAttributes(attributes);
            if (queue.fifo()) {
                b.messageGroupId(m.attributes().getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, "poison"))
                        .messageDeduplicationId(m.messageId());
            }
        }).join();
        delete(m).join();
    }
}
