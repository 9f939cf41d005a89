package io.heomdm.taskqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.SendNotification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The contract on SQS (ElasticMQ through the AWS SDK), and what only SQS does: FIFO order and deduplication. */
class SqsTaskQueueIT extends TaskQueueContract {
    static EmbeddedSqs sqs;
    static SqsTaskQueue queue;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start(0, Optional.empty());
        queue = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(1));
    }

    @AfterAll
    static void stop() {
        queue.close();
        sqs.close();
    }

    @Override
    TaskQueue queue() {
        return queue;
    }

    @Override
    QueueSpec<SendNotification> declareQueue(String name, int maxReceives, Duration visibility) {
        var spec = new QueueSpec<>(name, EventCatalog.SEND_NOTIFICATION, false, visibility, maxReceives);
        queue.declare(spec);
        return spec;
    }

    @Override
    List<String> deadLetters(QueueSpec<?> spec) {
        var messages = queue.client().receiveMessage(b -> b.queueUrl(queue.url(spec.deadLetterName())).maxNumberOfMessages(10)
                .visibilityTimeout(0).messageAttributeNames("All")).join().messages();
        return messages.stream().map(m -> m.messageAttributes().get("heomdm-event-id").stringValue()).toList();
    }

    @Test
    void declareCreatesTheQueueWithItsDeadLetterRedrivePolicyAndIsIdempotent() {
        var spec = standard(4, Duration.ofSeconds(30));
        queue.declare(spec);
        var attrs = queue.client().getQueueAttributes(b -> b.queueUrl(queue.url(spec.name())).attributeNames(QueueAttributeName.ALL))
                .join().attributes();
        // the worker parks at 4 receives; the broker only REDRIVE_MARGIN later, for a task whose worker died on it
        assertThat(attrs.get(QueueAttributeName.REDRIVE_POLICY)).contains(spec.deadLetterName()).containsPattern("\"maxReceiveCount\":\"?7\"?}");
        assertThat(attrs.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("30");
    }

    @Test
    void fifoQueuesDeduplicateByEventIdAndKeepOrderPerKey() throws Exception {
        var spec = new QueueSpec<>("it-fifo-" + names.incrementAndGet() + ".fifo", EventCatalog.SEND_NOTIFICATION, true, Duration.ofSeconds(30), 3);
        queue.declare(spec);
        var first = task("c-fifo");
        queue.send(spec, first).get(10, TimeUnit.SECONDS);
        queue.send(spec, first).get(10, TimeUnit.SECONDS);
        var rest = List.of(task("c-fifo"), task("c-fifo"), task("c-fifo"));
        queue.sendAll(spec, rest).get(10, TimeUnit.SECONDS);
        List<String> order = new CopyOnWriteArrayList<>();
        try (var worker = queue.startWorker(spec, r -> {
            order.add(r.event().envelope().eventId().toString());
            return TaskResult.done();
        }, FAST)) {
            // four arrive, and no fifth (the duplicate send) follows
            await().atMost(Duration.ofSeconds(10)).until(() -> order.size() >= 4);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> order.size() == 4);
        }
        assertThat(order).containsExactly(first.envelope().eventId().toString(), rest.get(0).envelope().eventId().toString(),
                rest.get(1).envelope().eventId().toString(), rest.get(2).envelope().eventId().toString());
    }
    /**
     * A FIFO message received behind a failing one of its group is given back unattempted, and SQS
     * counts that receive: the worker counts attempts itself, so the second task here still has all
     * its tries when its turn comes (counted by SQS, it would be parked after its second failure).
     */
    @Test
    void aFifoTaskWaitingBehindAFailingOneKeepsItsAttempts() throws Exception {
        var spec = new QueueSpec<>("it-fifo-" + names.incrementAndGet() + ".fifo", EventCatalog.SEND_NOTIFICATION, true, Duration.ofSeconds(30), 3);
        queue.declare(spec);
        var head = task("c-fifo-behind");
        var behind = task("c-fifo-behind");
        queue.sendAll(spec, List.of(head, behind)).get(10, TimeUnit.SECONDS);
        Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        List<String> done = new CopyOnWriteArrayList<>();
        try (var worker = queue.startWorker(spec, r -> {
            String id = r.event().envelope().eventId().toString();
            int attempt = tries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (attempt <= 2) { // each fails twice and succeeds on its third and last try
                throw new IllegalStateException("not yet");
            }
            done.add(id);
            return TaskResult.done();
        }, FAST)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 2 || !deadLetters(spec).isEmpty());
        }
        assertThat(deadLetters(spec)).isEmpty();
        assertThat(done).containsExactly(head.envelope().eventId().toString(), behind.envelope().eventId().toString());
    }
}
