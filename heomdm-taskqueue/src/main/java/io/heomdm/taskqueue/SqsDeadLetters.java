package io.heomdm.taskqueue;

import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.JsonPayloads;
import io.heomdm.events.MalformedMessageException;
import io.heomdm.taskqueue.internal.SqsMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The dead-letter console on SQS: each queue's DLQ.
 *
 * <p>Redrive uses SQS's own {@code StartMessageMoveTask} where the endpoint supports it; where it
 * does not (ElasticMQ with persisted queues), it re-sends each message to the source queue and
 * deletes it from the DLQ only after the send succeeded, so a failure part-way duplicates at worst
 * (handlers deduplicate by eventId) and never loses a task.
 */
public final class SqsDeadLetters implements DeadLetters {
    private final SqsTaskQueue queues;
    private final SqsAsyncClient client;

    public SqsDeadLetters(SqsTaskQueue queues) {
        this.queues = queues;
        this.client = queues.client();
    }

    @Override
    public List<DeadLetterQueue> list(List<QueueSpec<?>> sources) {
        List<DeadLetterQueue> out = new ArrayList<>();
        for (QueueSpec<?> q : sources) {
            var attrs = client.getQueueAttributes(b -> b.queueUrl(queues.url(q.deadLetterName()))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).join().attributes();
            out.add(new DeadLetterQueue(q.deadLetterName(), q.name(), Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))));
        }
        return out;
    }

    /** Read tasks are hidden while the console reads on (so none is shown twice), then made visible again at once. */
    @Override
    public List<ParkedTask> show(QueueSpec<?> source, int max) {
        List<ParkedTask> out = new ArrayList<>();
        List<Message> read = new ArrayList<>();
        String dlq = queues.url(source.deadLetterName());
        try {
            while (out.size() < max) {
                int n = Math.min(10, max - out.size());
                var messages = client.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(n).visibilityTimeout(30).waitTimeSeconds(1)
                        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).join().messages();
                if (messages.isEmpty()) {
                    break;
                }
                read.addAll(messages);
                messages.forEach(m -> out.add(parked(source, m)));
            }
        } finally {
            for (int i = 0; i < read.size(); i += 10) {
                var entries = read.subList(i, Math.min(read.size(), i + 10)).stream().map(m -> ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(m.messageId().replaceAll("[^A-Za-z0-9_-]", "_")).receiptHandle(m.receiptHandle()).visibilityTimeout(0).build()).toList();
                client.changeMessageVisibilityBatch(b -> b.queueUrl(dlq).entries(entries)).join();
            }
        }
        return out;
    }

    private ParkedTask parked(QueueSpec<?> source, Message m) {
        Map<String, String> envelope = new java.util.TreeMap<>();
        m.messageAttributes().forEach((k, v) -> envelope.put(k, v.stringValue()));
        String reason = envelope.remove(REASON);
        try {
            var event = SqsMessages.event(source.taskType(), m);
            return new ParkedTask(m.messageId(), envelope, SqsMessages.receiveCount(m), reason, JsonPayloads.toJson(event.payload()), null);
        } catch (MalformedMessageException e) {
            return new ParkedTask(m.messageId(), envelope, SqsMessages.receiveCount(m), reason, null, e.getMessage());
        }
    }

    @Override
    public Redrive redrive(QueueSpec<?> source, QueueSpec<?> destination) {
        String dlqUrl = queues.url(source.deadLetterName());
        long parked = parked(source);
        String moveTask;
        try {
            String dlqArn = arn(dlqUrl);
            String destinationArn = arn(queues.url(destination.name()));
            String handle = client.startMessageMoveTask(b -> b.sourceArn(dlqArn).destinationArn(destinationArn)).join().taskHandle();
            moveTask = awaitMoveTask(dlqArn, handle);
        } catch (CompletionException e) {
            return new Redrive("re-send and delete (the endpoint refused StartMessageMoveTask: " + rootMessage(e) + ")",
                    resendAndDelete(dlqUrl, destination, parked));
        }
        // trust, but count: a move task that ends without moving everything (ElasticMQ with
        // persisted queues does) leaves the rest to be re-sent
        long left = parked(source);
        if (left == 0) {
            return new Redrive("StartMessageMoveTask", parked);
        }
        return new Redrive("StartMessageMoveTask (" + moveTask + ") left " + left + " behind; re-send and delete for those",
                parked - left + resendAndDelete(dlqUrl, destination, left));
    }

    private long parked(QueueSpec<?> source) {
        var attrs = client.getQueueAttributes(b -> b.queueUrl(queues.url(source.deadLetterName())).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .join().attributes();
        return Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Waits for the move task to end; returns its final status. */
    private String awaitMoveTask(String dlqArn, String handle) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            var task = client.listMessageMoveTasks(b -> b.sourceArn(dlqArn).maxResults(10)).join().results().stream()
                    .filter(t -> handle.equals(t.taskHandle()) || t.taskHandle() == null).findFirst();
            if (task.isEmpty()) {
                return "status unknown";
            }
            if (!"RUNNING".equals(task.get().status())) {
                return task.get().status() + (task.get().failureReason() != null ? ": " + task.get().failureReason() : "");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        throw new IllegalStateException("the move task " + handle + " was still running after 5 minutes");
    }

    /** Moves at most {@code limit} messages: those parked when the redrive began. */
    private long resendAndDelete(String dlqUrl, QueueSpec<?> destination, long limit) {
        String target = queues.url(destination.name());
        long moved = 0;
        while (moved < limit) {
            int batch = (int) Math.min(10, limit - moved);
            var messages = client.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(batch).visibilityTimeout(60).waitTimeSeconds(1)
                    .messageAttributeNames("All")).join().messages();
            if (messages.isEmpty()) {
                return moved;
            }
            for (Message m : messages) {
                client.sendMessage(b -> {
                    var attributes = new java.util.HashMap<>(m.messageAttributes());
                    attributes.remove(REASON);
                    b.queueUrl(target).messageBody(m.body()).messageAttributes(attributes);
                    if (destination.fifo()) {
                        // a fresh deduplication id: the original one may still be in the queue's 5-minute window
                        String key = m.messageAttributes().containsKey(EnvelopeMapping.KEY)
                                ? m.messageAttributes().get(EnvelopeMapping.KEY).stringValue() : "redriven";
                        b.messageGroupId(key).messageDeduplicationId("redrive-" + m.messageId());
                    }
                }).join();
                client.deleteMessage(b -> b.queueUrl(dlqUrl).receiptHandle(m.receiptHandle())).join();
                moved++;
            }
        }
        return moved;
    }

    @Override
    public void purge(QueueSpec<?> source) {
        client.purgeQueue(b -> b.queueUrl(queues.url(source.deadLetterName()))).join();
    }

    private String arn(String url) {
        return client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).join()
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
