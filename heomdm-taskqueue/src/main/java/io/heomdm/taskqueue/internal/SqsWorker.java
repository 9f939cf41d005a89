package io.heomdm.taskqueue.internal;

import io.heomdm.events.Daemons;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskResult;
import io.heomdm.taskqueue.WorkerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * One queue's worker: a receiver thread whose long polls ask, together, for at most as many
 * messages as there are free handler slots (so nothing waits invisible in a local buffer), a pool of handler threads,
 * and a heartbeat that keeps the messages of running handlers invisible.
 *
 * <p>A handler's result decides the message's fate: deleted (done), made visible again after a
 * backoff (retry; the queue's redrive policy moves it to the DLQ after maxReceiveCount receives),
 * or moved to the DLQ at once (poison). Deletes, visibility changes and heartbeats go through the
 * SDK's batch manager, so concurrent ones share batch requests.
 */
public final class SqsWorker<T extends SpecificRecord> implements TaskQueue.Worker {
    private static final Logger log = LoggerFactory.getLogger(SqsWorker.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Duration GATHER_WAIT = Duration.ofMillis(5);
    /** How often a worker held off by its handler ({@code TaskHandler.admit}) asks again; the share worker's too. */
    static final Duration HOLD_OFF = Duration.ofMillis(250);

    private final SqsAsyncClient client;
    private final HeldMessages held;
    private final String url;
    private final QueueSpec<T> queue;
    private final TaskHandler<T> handler;
    private final WorkerSettings settings;
    private final RandomGenerator random;
    private final WorkerMetrics metrics;
    private final Backoff backoff;
    private final Semaphore slots;
    private final int batchSize;
    private final ExecutorService handlers;
    private final ScheduledExecutorService heartbeat;
    /** Messages whose handlers run, with when they were received (System.nanoTime). */
    private final Map<Message, Long> inFlight = new ConcurrentHashMap<>();
    /** Receives outstanding at once: enough to keep every slot asked for while the others' answers travel. */
    private final int maxReceives;
    private final Semaphore receivesInFlight;
    private final Thread receiver;
    private volatile boolean running = true;
    /** After a failed receive, when (System.nanoTime) the receiver tries again. */
    private volatile long resumeAt = System.nanoTime();
    /** Whether the last receive failed: the warning is logged when an outage starts, and a line when it ends. */
    private volatile boolean receiveFailing;
    private final Attempts attempts;

    private SqsWorker(SqsAsyncClient client, SqsAsyncBatchManager batcher, String url, String deadLetterUrl, QueueSpec<T> queue,
            TaskHandler<T> handler, WorkerSettings settings, RandomGenerator random, WorkerMetrics metrics) {
        this.client = client;
        this.held = new HeldMessages(client, batcher, url, deadLetterUrl, queue);
        this.url = url;
        this.queue = queue;
        this.handler = handler;
        this.settings = settings;
        this.random = random;
        this.metrics = metrics;
        this.backoff = new Backoff(settings.baseBackoff(), settings.maxBackoff());
        this.attempts = new Attempts(queue.fifo());
        this.slots = new Semaphore(settings.concurrency());
        this.batchSize = Math.min(10, settings.concurrency());
        this.maxReceives = Math.max(2, (settings.concurrency() + batchSize - 1) / batchSize);
        this.receivesInFlight = new Semaphore(maxReceives);
        String name = queue.name() + "-" + IDS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(settings.concurrency(), r -> Daemons.thread("worker-" + name + "-" + n.incrementAndGet(), r));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Daemons.named("heartbeat-" + name));
        this.receiver = Daemons.thread("receiver-" + name, this::receiveLoop);
    }

    public static <T extends SpecificRecord> SqsWorker<T> start(SqsAsyncClient client, SqsAsyncBatchManager batcher, String url,
            String deadLetterUrl, QueueSpec<T> queue, TaskHandler<T> handler, WorkerSettings settings, RandomGenerator random,
            WorkerMetrics metrics) {
        var worker = new SqsWorker<>(client, batcher, url, deadLetterUrl, queue, handler, settings, random, metrics);
        if (settings.heartbeat()) {
            // extend at a third of the timeout, so that two extensions can fail before a message reappears
            long period = Math.max(200, queue.visibilityTimeout().toMillis() / 3);
            worker.heartbeat.scheduleAtFixedRate(worker::extendRunning, period, period, TimeUnit.MILLISECONDS);
        }
        worker.receiver.start();
        return worker;
    }

    /**
     * Issues receives without waiting for them: each holds the slots it asked for, and up to
     * {@link #maxReceives} of them are outstanding at once. One receive at a time would leave
     * the freed slots idle for a whole round trip (or a whole long poll on a quiet queue), which
     * capped a worker near 130 tasks/s of 50 ms tasks on a local SQS server.
     */
    private void receiveLoop() {
        while (running) {
            int wanted;
            try {
                long pause = resumeAt - System.nanoTime();
                if (pause > 0) {
                    TimeUnit.NANOSECONDS.sleep(pause);
                    continue;
                }
                // bounded waits, so that a full worker still notices it is being closed
                if (!receivesInFlight.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    receivesInFlight.release();
                    continue;
                }
                int free = 1 + gatherSlots(batchSize - 1);
                wanted = Math.max(0, Math.min(free, handler.admit(free)));
                slots.release(free - wanted);
                if (wanted == 0) { // a service the handler needs is down: the tasks wait in the queue, their receives unspent
                    receivesInFlight.release();
                    resumeAt = System.nanoTime() + HOLD_OFF.toNanos();
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            client.receiveMessage(ReceiveMessageRequest.builder()
                    .queueUrl(url)
                    .maxNumberOfMessages(wanted)
                    .waitTimeSeconds((int) settings.longPoll().toSeconds())
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, MessageSystemAttributeName.MESSAGE_GROUP_ID)
                    .build())
                    .whenComplete((response, error) -> {
                        try {
                            if (error == null) {
                                if (receiveFailing) {
                                    receiveFailing = false;
                                    log.info("receive from {} answers again", queue.name());
                                }
                                dispatch(response.messages(), wanted);
                            } else {
                                slots.release(wanted);
                                if (running) {
                                    // once per outage, not once a second for as long as it lasts
                                    if (!receiveFailing) {
                                        receiveFailing = true;
                                        log.warn("receive from {} failed; retrying every second until it answers: {}", queue.name(), error.getMessage());
                                    }
                                    resumeAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                                }
                            }
                        } finally {
                            receivesInFlight.release();
                        }
                    });
        }
    }

    /** Hands a receive's messages to the handlers; after close, gives them back instead. */
    private void dispatch(List<Message> messages, int wanted) {
        slots.release(wanted - messages.size());
        metrics.received().increment(messages.size());
        long now = System.nanoTime();
        for (List<Message> group : groups(messages)) {
            if (!running) {
                group.forEach(held::release);
                slots.release(group.size());
                continue;
            }
            group.forEach(m -> inFlight.put(m, now));
            handlers.execute(() -> processInOrder(group));
        }
    }

    /**
     * Takes up to {@code max} more free slots, waiting a few milliseconds for handlers about to
     * finish: receiving one message per request as single slots free up would cost a request per
     * message, while waiting for a whole batch would leave slots idle behind slow tasks.
     */
    private int gatherSlots(int max) throws InterruptedException {
        int got = 0;
        long deadline = System.nanoTime() + GATHER_WAIT.toNanos();
        while (got < max) {
            long left = deadline - System.nanoTime();
            if (slots.tryAcquire()) {
                got++;
            } else if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            } else {
                got++;
            }
        }
        return got;
    }

    /**
     * Standard queues: each message on its own. FIFO queues: one group's messages of a batch, in
     * order, on one thread, because running them side by side would break the group's order.
     */
    private Collection<List<Message>> groups(List<Message> messages) {
        if (!queue.fifo()) {
            return messages.stream().map(List::of).toList();
        }
        Map<String, List<Message>> byGroup = new LinkedHashMap<>();
        for (Message m : messages) {
            byGroup.computeIfAbsent(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), g -> new ArrayList<>()).add(m);
        }
        return byGroup.values();
    }

    private void processInOrder(List<Message> group) {
        for (int i = 0; i < group.size(); i++) {
            if (!process(group.get(i))) {
                // the group is blocked behind the message that did not succeed: give the rest back, to come after it
                for (Message later : group.subList(i + 1, group.size())) {
                    if (inFlight.remove(later) != null) {
                        held.release(later);
                    }
                    slots.release();
                }
                return;
            }
        }
    }

    /**
     * Runs one message's handler and settles the message; true when it was done. A done message's
     * delete is left to the batch manager (the handler thread and its slot move on, as Spring
     * Cloud AWS's acknowledgements do): the slot bounds the tasks running, not the deletes on
     * their way, which would otherwise add a batch window and a round trip to every task.
     */
    private boolean process(Message m) {
        try {
            long start = System.nanoTime();
            TaskResult result = run(m);
            metrics.handlerDuration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (inFlight.remove(m) == null) {
                return false; // released at shutdown after the grace period: the message is someone else's now
            }
            if (result instanceof TaskResult.Retry r) {
                Duration delay = r.delay() != null ? r.delay() : backoff.after(attempts.made(m), random);
                long seconds = Math.min(Math.max(delay.toSeconds(), 0), WorkerSettings.SQS_MAX_VISIBILITY.toSeconds());
                log.info("task {} on {} will be retried in {} s: {}", m.messageId(), queue.name(), seconds, r.reason());
                metrics.retried().increment();
                held.hide(m, (int) seconds).join();
                return false;
            }
            if (result instanceof TaskResult.Poison p) {
                attempts.settled(m);
                held.deadLetter(m, p.reason());
                metrics.deadLettered().increment();
                return false;
            }
            attempts.settled(m);
            held.delete(m).whenComplete((ok, error) -> {
                if (error == null) {
                    metrics.succeeded().increment();
                } else {
                    // the message comes back after its visibility timeout and is deduplicated by the handler
                    log.warn("could not delete task {} on {}: {}", m.messageId(), queue.name(), error.getMessage());
                }
            });
            return true;
        } catch (RuntimeException e) {
            // the message stays invisible until its timeout and comes back: nothing is lost
            log.warn("could not settle task {} on {}: {}", m.messageId(), queue.name(), e.getMessage());
            return false;
        } finally {
            inFlight.remove(m);
            slots.release();
        }
    }

    private TaskResult run(Message m) {
        Event<T> event;
        try {
            event = SqsMessages.event(queue.taskType(), m);
        } catch (MalformedMessageException e) {
            return TaskResult.poison(e.getMessage());
        }
        var task = new ReceivedTask<>(event, attempts.begin(m));
        TaskResult result;
        try {
            result = handler.handle(task);
        } catch (Exception e) {
            log.warn("handler for {} failed on {} (receive {}): {}", queue.name(), event.envelope().eventId(), task.receiveCount(), e.toString());
            result = TaskResult.retry(e.toString());
        }
        return LastTry.settle(queue, handler, task, result);
    }

    /**
     * The heartbeat: every running handler's message gets a fresh visibility timeout, so a slow
     * task is never handed to a second worker. A message held longer than maxProcessingTime is let
     * go, so a hung handler cannot keep it forever. A heartbeat that races a settle may land after
     * it; that only shifts when a retried message reappears.
     */
    private void extendRunning() {
        long now = System.nanoTime();
        int seconds = (int) queue.visibilityTimeout().toSeconds();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        inFlight.forEach((m, receivedAt) -> {
            if (Duration.ofNanos(now - receivedAt).compareTo(settings.maxProcessingTime()) < 0) {
                sent.add(held.hide(m, seconds).whenComplete((ok, error) -> {
                            if (error == null) {
                                metrics.heartbeats().increment();
                            } else if (inFlight.containsKey(m)) {
                                log.warn("heartbeat for task {} on {} failed: {}", m.messageId(), queue.name(), error.getMessage());
                            }
                        }));
            }
        });
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(queue.visibilityTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // reported per message above
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        // the receives in progress are let finish, not cancelled: a cancelled long poll can still be
        // answered by the server, and the messages in that answer would stay invisible for their
        // whole visibility timeout. Whatever arrives after this point is given back.
        try {
            long waitMillis = settings.longPoll().toMillis() + 5_000;
            receiver.join(waitMillis);
            if (!receivesInFlight.tryAcquire(maxReceives, waitMillis, TimeUnit.MILLISECONDS)) {
                log.warn("a receive from {} did not answer in {} s; its messages return after their visibility timeout", queue.name(),
                        waitMillis / 1000);
            }
            handlers.shutdown();
            if (!handlers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                for (Message m : List.copyOf(inFlight.keySet())) {
                    if (inFlight.remove(m) != null) {
                        held.release(m);
                    }
                }
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heartbeat.shutdownNow();
        }
    }
}
