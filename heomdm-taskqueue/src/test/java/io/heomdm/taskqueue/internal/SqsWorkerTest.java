package io.heomdm.taskqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.taskqueue.DeadLetters;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskResult;
import io.heomdm.taskqueue.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The worker's receive, settle and dead-letter logic against a fake SQS (the SDK's client and batch
 * manager interfaces, answering from memory): what it asks SQS to do for each outcome, and how it
 * behaves while SQS does not answer — without a server.
 */
class SqsWorkerTest {
    private static final QueueSpec<SendNotification> QUEUE = new QueueSpec<>("tasks", EventCatalog.SEND_NOTIFICATION, false, Duration.ofSeconds(30), 3);
    private static final WorkerSettings SETTINGS = new WorkerSettings(2, Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(60),
            Duration.ofMillis(300), false, Duration.ofMinutes(5));
    private final FakeSqs sqs = new FakeSqs();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private SqsWorker<SendNotification> worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void aDoneTaskIsDeletedARetriedOneHiddenForItsBackoffAndPoisonMovedToTheDeadLettersWithWhy() {
        sqs.add("done", "retry", "poison");
        start(task -> {
            String customer = task.event().payload().getCustomerId();
            handled.add(customer);
            return switch (customer) {
                case "retry" -> TaskResult.retry("the mail server is slow");
                case "poison" -> TaskResult.poison("no such template");
                default -> TaskResult.done();
            };
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.deleted.size() == 2 && sqs.hidden.size() == 1);
        assertThat(handled).containsExactlyInAnyOrder("done", "retry", "poison");
        assertThat(sqs.deleted).containsExactlyInAnyOrder("receipt-done", "receipt-poison");
        assertThat(sqs.hidden).singleElement().satisfies(h -> {
            assertThat(h.receiptHandle()).isEqualTo("receipt-retry");
            assertThat(h.visibilityTimeout()).as("full jitter below the first backoff of 4 s").isBetween(0, 4);
        });
        assertThat(sqs.sent).singleElement().satisfies(letter -> {
            assertThat(letter.queueUrl()).isEqualTo("dlq-url");
            assertThat(letter.messageAttributes().get(DeadLetters.REASON).stringValue()).isEqualTo("no such template");
            assertThat(letter.messageAttributes().get("heomdm-event-id")).as("the envelope kept").isNotNull();
        });
    }

    @Test
    void whileSqsDoesNotAnswerTheWorkerAsksOnceASecondHandlesNothingAndTakesTheTasksWhenItAnswers() {
        sqs.down.set(true);
        start(task -> {
            handled.add(task.event().payload().getCustomerId());
            return TaskResult.done();
        });
        sqs.add("waited");
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(3)).until(handled::isEmpty);
        assertThat(sqs.receives.get()).as("one receive a second, not a busy loop").isBetween(2, 4);

        sqs.down.set(false);
        await().atMost(Duration.ofSeconds(3)).until(() -> handled.equals(List.of("waited")) && sqs.deleted.contains("receipt-waited"));
    }

    private void start(TaskHandler<SendNotification> handler) {
        worker = SqsWorker.start(sqs, sqs.batcher, "queue-url", "dlq-url", QUEUE, handler, SETTINGS, new SplittableRandom(1),
                WorkerMetrics.register(new SimpleMeterRegistry(), QUEUE.name()));
    }

    /** An SQS queue in memory: receives take what was added (waiting 50 ms when empty, as a short long poll), or fail while down. */
    private static final class FakeSqs implements SqsAsyncClient {
        final ConcurrentLinkedDeque<Message> visible = new ConcurrentLinkedDeque<>();
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger receives = new AtomicInteger();
        final List<String> deleted = new CopyOnWriteArrayList<>();
        final List<ChangeMessageVisibilityRequest> hidden = new CopyOnWriteArrayList<>();
        final List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
        final SqsAsyncBatchManager batcher = new SqsAsyncBatchManager() {
            @Override
            public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
                deleted.add(request.receiptHandle());
                return CompletableFuture.completedFuture(DeleteMessageResponse.builder().build());
            }

            @Override
            public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(ChangeMessageVisibilityRequest request) {
                hidden.add(request);
                return CompletableFuture.completedFuture(ChangeMessageVisibilityResponse.builder().build());
            }

            @Override
            public void close() {
            }
        };

        void add(String... customers) {
            for (String customer : customers) {
                UUID id = UUID.randomUUID();
                var envelope = new Envelope(id, "SendNotification", 1, customer, Instant.now(), id.toString(), null, null);
                var payload = SendNotification.newBuilder().setCustomerId(customer).setChannel(Channel.EMAIL).setRecipient("x@example.com")
                        .setTemplate("order-confirmation").setVariables(Map.of()).build();
                visible.add(Message.builder().messageId(customer).receiptHandle("receipt-" + customer).body(SqsMessages.body(payload))
                        .messageAttributes(SqsMessages.attributes(envelope)).attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))
                        .build());
            }
        }

        @Override
        public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
            receives.incrementAndGet();
            if (down.get()) {
                return CompletableFuture.failedFuture(SdkClientException.create("Unable to execute HTTP request: Connection refused"));
            }
            return CompletableFuture.supplyAsync(() -> {
                var messages = new java.util.ArrayList<Message>();
                for (Message m = visible.poll(); m != null; m = messages.size() < request.maxNumberOfMessages() ? visible.poll() : null) {
                    messages.add(m);
                }
                return ReceiveMessageResponse.builder().messages(messages).build();
            }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        }

        @Override
        public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
            sent.add(request);
            return CompletableFuture.completedFuture(SendMessageResponse.builder().messageId("letter").build());
        }

        @Override
        public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(ChangeMessageVisibilityRequest request) {
            return batcher.changeMessageVisibility(request);
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }
}
