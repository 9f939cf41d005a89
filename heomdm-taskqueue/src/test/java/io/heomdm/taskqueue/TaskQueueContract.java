package io.heomdm.taskqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.Traceparent;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.SendNotification;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link TaskQueue} contract, run against every implementation (after micrometer's
 * MeterRegistryCompatibilityKit). Where an implementation differs by its nature, the difference is
 * left out here and documented on the implementation.
 */
abstract class TaskQueueContract {
    static final AtomicInteger names = new AtomicInteger();
    final EventIds ids = new EventIds(InstantSource.system(), new SplittableRandom(3));
    static final WorkerSettings FAST = new WorkerSettings(4, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofMillis(300), true, Duration.ofMinutes(5));

    abstract TaskQueue queue();

    /** Declares a new standard queue of this implementation. */
    /** A notifications queue of that name on the transport under test, with its dead letters. */
    QueueSpec<SendNotification> declareQueue(String name, int maxReceives, Duration visibility) {
        var spec = new QueueSpec<>(name, EventCatalog.SEND_NOTIFICATION, false, visibility, maxReceives);
        queue().declare(spec);
        return spec;
    }

    /** The eventIds of the tasks parked in the queue's dead letters. */
    abstract List<String> deadLetters(QueueSpec<?> spec);

    QueueSpec<SendNotification> standard(int maxReceives, Duration visibility) {
        return declareQueue("it-" + names.incrementAndGet(), maxReceives, visibility);
    }

    @Test
    void aWorkerReceivesTheTaskWithItsEnvelopeAndDeletesItWhenDone() throws Exception {
        var spec = standard(3, Duration.ofSeconds(30));
        List<ReceivedTask<SendNotification>> seen = new CopyOnWriteArrayList<>();
        var tasks = List.of(task("c-1"), task("c-2"), task("c-3"), task("c-4"), task("c-5"), task("c-6"), task("c-7"),
                task("c-8"), task("c-9"), task("c-10"), task("c-11"), task("c-12"));
        queue().sendAll(spec, tasks).get(10, TimeUnit.SECONDS);
        try (var worker = queue().startWorker(spec, t -> {
            seen.add(t);
            return TaskResult.done();
        }, FAST)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == tasks.size());
        }
        assertThat(seen).extracting(t -> t.event().envelope())
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Event::envelope).toList());
        assertThat(seen).extracting(ReceivedTask::receiveCount).containsOnly(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue().depth(spec).equals(new TaskQueue.QueueDepth(0, 0)));
    }

    @Test
    void aTaskThatKeepsFailingIsRetriedThenToldOfAndDeadLetteredAfterMaxReceiveCount() throws Exception {
        var spec = standard(3, Duration.ofSeconds(30));
        AtomicInteger attempts = new AtomicInteger();
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger tellingFails = new AtomicInteger(1); // the first telling fails (the outcome log is down): the task comes back
        var t = task("c-retry");
        queue().send(spec, t).get(10, TimeUnit.SECONDS);
        try (var worker = queue().startWorker(spec, new TaskHandler<SendNotification>() {
            @Override
            public TaskResult handle(ReceivedTask<SendNotification> task) {
                attempts.incrementAndGet();
                throw new IllegalStateException("always");
            }

            @Override
            public void exhausted(ReceivedTask<SendNotification> task, String lastError) {
                if (tellingFails.getAndDecrement() > 0) {
                    throw new IllegalStateException("the outcome log is down");
                }
                told.add(task.event().envelope().eventId() + " after " + task.receiveCount() + ": " + lastError);
            }
        }, FAST)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters(spec).size() == 1);
        }
        assertThat(attempts).hasValue(4);
        assertThat(told).containsExactly(t.envelope().eventId() + " after 4: java.lang.IllegalStateException: always");
        assertThat(deadLetters(spec)).singleElement().isEqualTo(t.envelope().eventId().toString());
    }

    @Test
    void whileItsHandlerAdmitsNothingAWorkerTakesNoTaskAndSpendsNoReceive() throws Exception {
        var spec = standard(2, Duration.ofSeconds(30));
        var admitting = new java.util.concurrent.atomic.AtomicBoolean();
        List<ReceivedTask<SendNotification>> seen = new CopyOnWriteArrayList<>();
        var tasks = List.of(task("c-held-1"), task("c-held-2"), task("c-held-3"));
        queue().sendAll(spec, tasks).get(10, TimeUnit.SECONDS);
        try (var worker = queue().startWorker(spec, new TaskHandler<SendNotification>() {
            @Override
            public TaskResult handle(ReceivedTask<SendNotification> task) {
                seen.add(task);
                return TaskResult.done();
            }

            @Override
            public int admit(int wanted) {
                return admitting.get() ? wanted : 0; // the service it calls is down
            }
        }, FAST)) {
            // longer than two receives' worth of retries would take
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(seen::isEmpty);
            admitting.set(true);
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == tasks.size());
        }
        assertThat(seen).extracting(ReceivedTask::receiveCount).as("no receive spent while held off").containsOnly(1);
        assertThat(deadLetters(spec)).isEmpty();
    }

    @Test
    void poisonGoesToTheDeadLetterQueueAtOnceWithItsEnvelope() throws Exception {
        var spec = standard(5, Duration.ofSeconds(30));
        AtomicInteger attempts = new AtomicInteger();
        var t = task("c-poison");
        queue().send(spec, t).get(10, TimeUnit.SECONDS);
        try (var worker = queue().startWorker(spec, r -> {
            attempts.incrementAndGet();
            return TaskResult.poison("no such template");
        }, FAST)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(spec).size() == 1);
        }
        assertThat(attempts).hasValue(1);
        assertThat(deadLetters(spec)).containsExactly(t.envelope().eventId().toString());
    }

    @Test
    void theConsoleListsShowsAndRedrivesParkedTasksWithTheirEnvelopeThenPurges() throws Exception {
        var spec = standard(2, Duration.ofSeconds(30));
        var parked = List.of(task("c-dl-1"), task("c-dl-2"), task("c-dl-3"));
        queue().sendAll(spec, parked).get(10, TimeUnit.SECONDS);
        try (var poisoner = queue().startWorker(spec, r -> TaskResult.poison("template missing"), FAST)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters(spec).size() == 3);
        }
        DeadLetters console = queue().deadLetters();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.list(List.of(spec)).get(0).messages() == 3);
        var shown = console.show(spec, 10);
        assertThat(shown).extracting(p -> p.envelope().get("heomdm-event-id"))
                .containsExactlyInAnyOrderElementsOf(parked.stream().map(e -> e.envelope().eventId().toString()).toList());
        assertThat(shown).allSatisfy(p -> {
            assertThat(p.reason()).isEqualTo("template missing");
            assertThat(p.payload().get("template").asText()).isEqualTo("order-confirmation");
        });
        assertThat(console.show(spec, 2)).hasSize(2);
        assertThat(console.list(List.of(spec)).get(0).messages()).as("shown, not consumed").isEqualTo(3);

        var redrive = console.redrive(spec, spec);
        assertThat(redrive.moved()).isEqualTo(3);
        List<Envelope> redelivered = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        try (var worker = queue().startWorker(spec, r -> {
            // the first redriven task is poison again, to be purged below
            if (failures.get() == 0 && failures.compareAndSet(0, 1)) {
                return TaskResult.poison("still missing");
            }
            redelivered.add(r.event().envelope());
            return TaskResult.done();
        }, FAST)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> redelivered.size() == 2);
        }
        assertThat(parked.stream().map(Event::envelope).toList()).containsAll(redelivered);
        await().atMost(Duration.ofSeconds(15)).until(() -> console.list(List.of(spec)).get(0).messages() == 1);
        console.purge(spec);
        await().atMost(Duration.ofSeconds(70)).until(() -> console.list(List.of(spec)).get(0).messages() == 0);
        assertThat(console.show(spec, 10)).isEmpty();
    }

    @Test
    void shutdownReleasesTasksWhoseHandlersDoNotFinishInTheGracePeriod() throws Exception {
        var spec = standard(5, Duration.ofSeconds(60));
        var t = task("c-slow");
        queue().send(spec, t).get(10, TimeUnit.SECONDS);
        var started = new CountDownLatch(1);
        var worker = queue().startWorker(spec, r -> {
            started.countDown();
            Thread.sleep(30_000);
            return TaskResult.done();
        }, FAST);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        worker.close();
        // visible again long before its 60 s visibility timeout
        List<ReceivedTask<SendNotification>> again = new CopyOnWriteArrayList<>();
        try (var second = queue().startWorker(spec, r -> {
            again.add(r);
            return TaskResult.done();
        }, FAST)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.size() == 1);
        }
        assertThat(again.get(0).receiveCount()).isEqualTo(2);
    }

    @Test
    void theHeartbeatKeepsASlowTaskFromASecondWorker() throws Exception {
        assertThat(deliveriesOfSlowTasks(true)).allSatisfy((id, n) -> assertThat(n).as("deliveries of " + id).isEqualTo(1));
    }

    @Test
    void withoutTheHeartbeatASlowTaskIsDeliveredAgain() throws Exception {
        // the control for the test above: it shows the heartbeat is what prevents the duplicates
        assertThat(deliveriesOfSlowTasks(false).values()).anySatisfy(n -> assertThat(n).isGreaterThan(1));
    }

    /** Two workers, tasks that take 3x the visibility timeout: how often each task's handler ran. */
    private Map<String, Integer> deliveriesOfSlowTasks(boolean heartbeat) throws Exception {
        var spec = standard(10, Duration.ofSeconds(2));
        var tasks = List.of(task("slow-1"), task("slow-2"), task("slow-3"));
        queue().sendAll(spec, tasks).get(10, TimeUnit.SECONDS);
        Map<String, Integer> deliveries = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        TaskHandler<SendNotification> slow = r -> {
            deliveries.merge(r.event().envelope().eventId().toString(), 1, Integer::sum);
            Thread.sleep(6_000);
            done.incrementAndGet();
            return TaskResult.done();
        };
        var settings = FAST.withConcurrency(2).withHeartbeat(heartbeat);
        try (var a = queue().startWorker(spec, slow, settings); var b = queue().startWorker(spec, slow, settings)) {
            if (heartbeat) {
                await().atMost(Duration.ofSeconds(40)).until(() -> done.get() >= tasks.size() && queue().depth(spec).equals(new TaskQueue.QueueDepth(0, 0)));
            } else {
                // without it, a task outlives its lock and reappears: wait for the first duplicate
                await().atMost(Duration.ofSeconds(40)).until(() -> deliveries.size() == tasks.size() && deliveries.values().stream().anyMatch(n -> n > 1));
            }
        }
        assertThat(deliveries).hasSize(tasks.size());
        return deliveries;
    }

    Event<SendNotification> task(String customer) {
        var id = ids.next();
        var payload = SendNotification.newBuilder().setCustomerId(customer).setChannel(Channel.EMAIL).setRecipient(customer + "@example.com")
                .setTemplate("order-confirmation").setVariables(Map.of("orderId", "o-1")).build();
        return new Event<>(new Envelope(id, "SendNotification", 1, customer, Instant.ofEpochMilli(System.currentTimeMillis()),
                "corr-" + customer, "cause-" + customer, Traceparent.newTrace(new SplittableRandom())), payload);
    }
}
