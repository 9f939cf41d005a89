package io.heomdm.taskqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.embedded.TcpProxy;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.SendNotification;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
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
    List<String> deadLetters(QueueSpec<?> spec) {
        var messages = queue.client().receiveMessage(b -> b.queueUrl(queue.url(spec.deadLetterName())).maxNumberOfMessages(10)
                .visibilityTimeout(0).messageAttributeNames("All")).join().messages();
        return messages.stream().map(m -> m.messageAttributes().get("heomdm-event-id").stringValue()).toList();
    }

    /**
     * SQS out of reach (a proxy in front of it closed) for 20 s, four times the tasks' 5 s visibility and
     * longer than their 3 receives would last if each failure spent one: nothing is parked, every task
     * is done once it is back, and only those the worker held when it went are handled twice.
     */
    @Test
    void sqsOutOfReachForLongerThanTheReceiveBudgetParksNothingAndEveryTaskIsDoneWhenItIsBack() throws Exception {
        var spec = standard(3, Duration.ofSeconds(5));
        List<Event<SendNotification>> tasks = IntStream.range(0, 40).mapToObj(i -> task("c-outage-" + i)).toList();
        queue.sendAll(spec, tasks).get(10, TimeUnit.SECONDS);
        Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
        var endpoint = sqs.endpoint();
        try (var proxy = new TcpProxy(endpoint.getHost(), endpoint.getPort()).up();
                var viaProxy = new SqsTaskQueue(SqsSettings.local(URI.create("http://127.0.0.1:" + proxy.port())), new SplittableRandom(2));
                var worker = viaProxy.startWorker(spec, task -> {
                    handled.computeIfAbsent(task.event().envelope().eventId(), id -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(300);
                    return TaskResult.done();
                }, FAST)) {
            await().until(() -> handled.size() >= 5);
            proxy.down();
            await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() -> deadLetters(spec).isEmpty());
            proxy.up();
            long back = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == tasks.size());
            System.out.printf("SQS outage: every task handled %.1f s after SQS returned%n", (System.nanoTime() - back) / 1e9);
            await().atMost(Duration.ofSeconds(30)).until(() -> visibleAndInFlight(spec) == 0);
        }
        assertThat(deadLetters(spec)).as("nothing parked for the outage").isEmpty();
        assertThat(handled.keySet()).containsExactlyInAnyOrderElementsOf(tasks.stream().map(t -> t.envelope().eventId()).toList());
        assertThat(handled.values().stream().filter(n -> n.get() > 1).count()).as("handled twice: at most the tasks held when SQS went")
                .isLessThanOrEqualTo(FAST.concurrency());
    }

    private long visibleAndInFlight(QueueSpec<?> spec) {
        var attrs = queue.client().getQueueAttributes(b -> b.queueUrl(queue.url(spec.name())).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).join().attributes();
        return Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
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
