package io.heomdm.taskqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.Traceparent;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.SendNotification;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqsDeadLettersIT {
    static final WorkerSettings FAST = WorkerSettings.defaults().withConcurrency(2).withLongPoll(Duration.ofSeconds(1));
    final EventIds ids = new EventIds(InstantSource.system(), new SplittableRandom(9));
    @TempDir
    Path dir;

    @Test
    void parkedTasksAreListedShownAndRedrivenWithTheirEnvelopeByMoveTask() throws Exception {
        try (var sqs = EmbeddedSqs.start(0, Optional.empty()); var queue = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(1))) {
            var r = parkAndRedrive(queue, new QueueSpec<>("dlq-mem", EventCatalog.SEND_NOTIFICATION, false, Duration.ofSeconds(30), 3));
            assertThat(r.method()).isEqualTo("StartMessageMoveTask");
        }
    }

    @Test
    void withPersistedElasticMqRedriveFallsBackToResendAndSaysSo() throws Exception {
        try (var sqs = EmbeddedSqs.start(0, Optional.of(dir)); var queue = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(1))) {
            var r = parkAndRedrive(queue, new QueueSpec<>("dlq-h2.fifo", EventCatalog.SEND_NOTIFICATION, true, Duration.ofSeconds(30), 3));
            assertThat(r.method()).contains("re-send and delete");
            assertThat(r.moved()).isEqualTo(2);
        }
    }

    private DeadLetters.Redrive parkAndRedrive(SqsTaskQueue queue, QueueSpec<SendNotification> spec) throws Exception {
        queue.declare(spec);
        var parked = List.of(task("c-1"), task("c-2"));
        queue.sendAll(spec, parked).get(10, TimeUnit.SECONDS);
        try (var poisoner = queue.startWorker(spec, t -> TaskResult.poison("test"), FAST)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> queue.depth(spec).equals(new TaskQueue.QueueDepth(0, 0)));
        }
        var console = new SqsDeadLetters(queue);
        await().atMost(Duration.ofSeconds(10)).until(() -> console.list(List.of(spec)).get(0).messages() == 2);
        var shown = console.show(spec, 10);
        assertThat(shown).extracting(p -> p.envelope().get("heomdm-event-id"))
                .containsExactlyInAnyOrderElementsOf(parked.stream().map(e -> e.envelope().eventId().toString()).toList());
        assertThat(shown).allSatisfy(p -> assertThat(p.payload().get("template").asText()).isEqualTo("order-confirmation"));
        assertThat(queue.depth(queueOf(spec)).visible()).as("shown, not consumed").isEqualTo(2);
        var result = console.redrive(spec, spec);
        List<Envelope> redelivered = new CopyOnWriteArrayList<>();
        try (var worker = queue.startWorker(spec, t -> {
            redelivered.add(t.event().envelope());
            return TaskResult.done();
        }, FAST)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> redelivered.size() == 2);
        }
        assertThat(redelivered).containsExactlyInAnyOrderElementsOf(parked.stream().map(Event::envelope).toList());
        assertThat(console.list(List.of(spec)).get(0).messages()).isZero();
        return result;
    }

    /** The DLQ as a spec of its own, to read its depth. */
    private static QueueSpec<SendNotification> queueOf(QueueSpec<SendNotification> spec) {
        return new QueueSpec<>(spec.deadLetterName(), spec.taskType(), spec.fifo(), spec.visibilityTimeout(), 1);
    }

    private Event<SendNotification> task(String customer) {
        var id = ids.next();
        var payload = SendNotification.newBuilder().setCustomerId(customer).setChannel(Channel.EMAIL).setRecipient(customer + "@example.com")
                .setTemplate("order-confirmation").setVariables(Map.of()).build();
        return new Event<>(new Envelope(id, "SendNotification", 1, customer, Instant.now(), id.toString(), null,
                Traceparent.newTrace(new SplittableRandom())), payload);
    }
}
