package io.heomdm.taskqueue.internal;

import io.heomdm.events.Daemons;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import io.heomdm.taskqueue.DeadLetters;
import io.heomdm.taskqueue.KafkaShareSettings;
import io.heomdm.taskqueue.KafkaShareTaskQueue;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskResult;
import io.heomdm.taskqueue.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue's worker on a Kafka share group. A share consumer is not thread-safe, so each has a
 * thread that polls, hands the records to the handler pool, renews their locks while handlers run,
 * and acknowledges each record with its handler's result before it polls again (explicit mode
 * requires every record of a poll to be acknowledged before the next). That makes a poll a
 * barrier: a consumer waits for its slowest record. So the worker runs several consumers, each
 * polling at most {@value #RECORDS_PER_POLL} records, together as many as the concurrency, which
 * is the back-pressure: one consumer with max.poll.records = concurrency did a third of that with
 * 50 ms tasks, because its polls returned a few records each.
 */
public final class ShareWorker<T extends SpecificRecord> implements TaskQueue.Worker {
    private static final Logger log = LoggerFactory.getLogger(ShareWorker.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Header of a dead-lettered record: how many times it was delivered. */
    public static final String DELIVERIES = "heomdm-deliveries";

    static final int RECORDS_PER_POLL = 2;

    private final KafkaShareTaskQueue queues;
    private final QueueSpec<T> queue;
    private final TaskHandler<T> handler;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final ExecutorService handlers;
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean running = true;

    private ShareWorker(KafkaShareSettings kafka, KafkaShareTaskQueue queues, QueueSpec<T> queue, TaskHandler<T> handler,
            WorkerSettings settings, WorkerMetrics metrics) {
        this.queues = queues;
        this.queue = queue;
        this.handler = handler;
        this.settings = settings;
        this.metrics = metrics;
        String name = queue.name() + "-" + IDS.incrementAndGet();
        for (int left = settings.concurrency(); left > 0; left -= RECORDS_PER_POLL) {
            Map<String, Object> props = new HashMap<>(kafka.clientProperties());
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("group.id", KafkaShareTaskQueue.group(queue));
            props.put("share.acknowledgement.mode", "explicit");
            props.put("max.poll.records", Math.min(left, RECORDS_PER_POLL));
            var consumer = new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            pollers.add(Daemons.thread("share-poller-" + name + "-" + (pollers.size() + 1), () -> pollLoop(consumer)));
        }
        AtomicInteger n = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(settings.concurrency(), r -> Daemons.thread("share-worker-" + name + "-" + n.incrementAndGet(), r));
    }

    public static <T extends SpecificRecord> ShareWorker<T> start(KafkaShareSettings kafka, KafkaShareTaskQueue queues, QueueSpec<T> queue,
            TaskHandler<T> handler, WorkerSettings settings, WorkerMetrics metrics) {
        var worker = new ShareWorker<>(kafka, queues, queue, handler, settings, metrics);
        worker.pollers.forEach(Thread::start);
        return worker;
    }

    /** A record whose handler runs; {@code record} is the latest delivery of it (a renewed lock delivers it again). */
    private static final class InFlight {
        ConsumerRecord<String, byte[]> record;
        long seenAt = System.nanoTime();
        final CompletableFuture<TaskResult> result;

        InFlight(ConsumerRecord<String, byte[]> record, CompletableFuture<TaskResult> result) {
            this.record = record;
            this.result = result;
        }
    }

    private void pollLoop(KafkaShareConsumer<String, byte[]> consumer) {
        Map<String, InFlight> inFlight = new HashMap<>();
        long closingSince = 0;
        boolean subscribed = false;
        try {
            while (running || !inFlight.isEmpty()) {
                if (!running && closingSince == 0) {
                    closingSince = System.nanoTime();
                }
                if (running && inFlight.isEmpty() && handler.admit(1) == 0) {
                    // a service the handler needs is down: every record fetched now would spend one of its deliveries on the
                    // outage, and the broker archives a record out of deliveries. Out of the group, nothing is fetched; and a
                    // member that stopped polling would be dropped from it anyway.
                    if (subscribed) {
                        consumer.unsubscribe();
                        subscribed = false;
                    }
                    Thread.sleep(SqsWorker.HOLD_OFF.toMillis());
                    continue;
                }
                if (!subscribed) {
                    consumer.subscribe(List.of(KafkaShareTaskQueue.topic(queue)));
                    subscribed = true;
                }
                var records = consumer.poll(Duration.ofMillis(inFlight.isEmpty() ? 200 : 20));
                List<InFlight> current = new ArrayList<>();
                for (var r : records) {
                    InFlight f = inFlight.get(key(r));
                    if (f == null) {
                        metrics.received().increment();
                        f = new InFlight(r, running ? CompletableFuture.supplyAsync(() -> run(r), handlers) : new CompletableFuture<>());
                        inFlight.put(key(r), f);
                    } else {
                        f.record = r;
                        f.seenAt = System.nanoTime();
                    }
                    current.add(f);
                }
                forgetLost(inFlight);
                if (current.isEmpty()) {
                    continue;
                }
                boolean graceOver = awaitOrRenewalDue(current, closingSince);
                for (InFlight f : current) {
                    settle(consumer, f, graceOver, inFlight);
                }
                consumer.commitSync();
            }
        } catch (RuntimeException e) {
            if (running) {
                log.error("share worker for {} stopped", queue.name(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void settle(KafkaShareConsumer<String, byte[]> consumer, InFlight f, boolean graceOver, Map<String, InFlight> inFlight) {
        try {
            if (f.result.isDone()) {
                inFlight.remove(key(f.record));
                acknowledge(consumer, f.record, f.result.join());
            } else if (graceOver || !running && !settings.heartbeat()) {
                inFlight.remove(key(f.record));
                consumer.acknowledge(f.record, AcknowledgeType.RELEASE); // still running at shutdown: someone else's now
            } else {
                // KIP-1222: RENEW extends the lock; the record comes back in a later poll, to be acknowledged then
                consumer.acknowledge(f.record, AcknowledgeType.RENEW);
                metrics.heartbeats().increment();
            }
        } catch (IllegalStateException e) {
            // the lock was lost (it expired): the broker has handed the record to another consumer,
            // whose handler deduplicates by eventId; nothing is left for this one to do
            inFlight.remove(key(f.record));
            log.warn("record {} on {} could no longer be acknowledged: {}", key(f.record), queue.name(), e.getMessage());
        }
    }

    /**
     * A renewed record comes back in the next poll. One that has not come back for two lock
     * durations was lost (its renewal came too late) and belongs to another consumer now: stop
     * tracking it, or it would be held here, and hold up shutdown, for ever.
     */
    private void forgetLost(Map<String, InFlight> inFlight) {
        long lost = System.nanoTime() - 2 * Math.max(queue.visibilityTimeout().toNanos(), Duration.ofSeconds(1).toNanos());
        inFlight.values().removeIf(f -> {
            if (f.seenAt < lost) {
                log.warn("record {} on {} was not delivered back after its lock renewal; its lock is lost", key(f.record), queue.name());
                return true;
            }
            return false;
        });
    }

    /**
     * Waits until the records' handlers are done, or (with the heartbeat) until their locks are a
     * third through, when they must be renewed. Without the heartbeat it waits for the handlers
     * whatever the lock. Returns true when the worker is closing and the grace period is over.
     */
    private boolean awaitOrRenewalDue(List<InFlight> current, long closingSince) {
        var all = CompletableFuture.allOf(current.stream().map(f -> f.result).toArray(CompletableFuture[]::new));
        long period = Math.max(200, queue.visibilityTimeout().toMillis() / 3);
        while (true) {
            if (closingSince != 0 && System.nanoTime() - closingSince > settings.shutdownGrace().toNanos()) {
                return true;
            }
            long wait = closingSince == 0 && settings.heartbeat() ? period : 100;
            try {
                all.get(wait, TimeUnit.MILLISECONDS);
                return false;
            } catch (TimeoutException e) {
                if (closingSince == 0 && !running) {
                    closingSince = System.nanoTime();
                } else if (closingSince == 0 && settings.heartbeat()) {
                    return false; // renewal due
                }
            } catch (Exception e) {
                return false; // a handler's own failure is in its future
            }
        }
    }

    private static String key(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    private TaskResult run(ConsumerRecord<String, byte[]> r) {
        long start = System.nanoTime();
        ReceivedTask<T> task = null;
        try {
            Envelope envelope = envelope(r);
            if (!envelope.type().equals(queue.taskType().name())) {
                return TaskResult.poison("expected a " + queue.taskType().name() + " task, got " + envelope.type());
            }
            task = new ReceivedTask<>(new Event<>(envelope, AvroCodec.decode(queue.taskType(), envelope.schemaVersion(), r.value())), deliveries(r));
            return LastTry.settle(queue, handler, task, handler.handle(task));
        } catch (MalformedMessageException e) {
            return TaskResult.poison(e.getMessage());
        } catch (Exception e) {
            log.warn("handler for {} failed on {}-{}@{} (delivery {}): {}", queue.name(), r.topic(), r.partition(), r.offset(), deliveries(r), e.toString());
            return task == null ? TaskResult.retry(e.toString()) : LastTry.settle(queue, handler, task, TaskResult.retry(e.toString()));
        } finally {
            metrics.handlerDuration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void acknowledge(KafkaShareConsumer<String, byte[]> consumer, ConsumerRecord<String, byte[]> r, TaskResult result) {
        if (result instanceof TaskResult.Poison p) {
            deadLetter(consumer, r, p.reason());
        } else if (result instanceof TaskResult.Retry) {
            // a last try's failure came back as poison (LastTry); this one may be retried
            metrics.retried().increment();
            consumer.acknowledge(r, AcknowledgeType.RELEASE);
        } else {
            metrics.succeeded().increment();
            consumer.acknowledge(r, AcknowledgeType.ACCEPT);
        }
    }

    /**
     * The record goes to the dead-letter topic as it came (headers copied, so even a record whose
     * envelope cannot be read is parked), with the reason and delivery count; only then is it rejected.
     */
    private void deadLetter(KafkaShareConsumer<String, byte[]> consumer, ConsumerRecord<String, byte[]> r, String reason) {
        String topic = KafkaShareTaskQueue.deadLetterTopic(queue);
        log.warn("task {}-{}@{} on {} goes to {}: {}", r.topic(), r.partition(), r.offset(), queue.name(), topic, reason);
        var headers = new RecordHeaders(r.headers().toArray());
        headers.add(DeadLetters.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DELIVERIES, Integer.toString(deliveries(r)).getBytes(StandardCharsets.UTF_8));
        try {
            queues.produce(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), headers)).get(30, TimeUnit.SECONDS);
            metrics.deadLettered().increment();
            consumer.acknowledge(r, AcknowledgeType.REJECT);
        } catch (Exception e) {
            // not parked: let it come back rather than lose it
            log.warn("could not dead-letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            consumer.acknowledge(r, AcknowledgeType.RELEASE);
        }
    }

    private static Envelope envelope(ConsumerRecord<String, byte[]> r) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.headers()) {
            if (h.value() != null) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return EnvelopeMapping.fromKafka(headers, r.key(), r.timestamp());
    }

    private static int deliveries(ConsumerRecord<?, ?> r) {
        return r.deliveryCount().map(Short::intValue).orElse(1);
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        long deadline = System.nanoTime() + settings.shutdownGrace().plusSeconds(10).toNanos();
        try {
            for (Thread poller : pollers) {
                poller.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handlers.shutdownNow();
    }

}
