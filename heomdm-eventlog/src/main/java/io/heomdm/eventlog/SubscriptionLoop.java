package io.heomdm.eventlog;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.MalformedMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop. Asynchronous handlers are pipelined: the loop keeps polling while earlier
 * events are in flight (up to {@value #MAX_IN_FLIGHT}; beyond that it pauses its partitions),
 * so a handler waiting on a remote acknowledgement does not hold the next poll back. Each
 * partition's offset moves only over the prefix of its events that completed, in log order.
 */
final class SubscriptionLoop implements Runnable, EventSubscriber.Subscription {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionLoop.class);
    /** Events dispatched and not yet settled, across partitions: bounds memory and a rebalance's wait. */
    static final int MAX_IN_FLIGHT = 10_000;
    /** Commits are asynchronous and at most this often: a lost or late one is covered by the next. */
    private static final long COMMIT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private final Consumer<String, byte[]> consumer;
    private final TopicSpec topic;
    private final AsyncEventHandler handler;
    private final KafkaEventSubscriber.Retries retries;
    private final ParkedEvents parked;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean stopped;
    private final PartitionRetries retrying;
    Thread thread;
    /** Per partition, the dispatched events in log order. */
    private final Map<TopicPartition, ArrayDeque<Pending>> inFlight = new HashMap<>();
    private int inFlightCount;
    private boolean pausedForInFlight;
    private volatile boolean polling = true;
    /** The last processed offset of each partition, until it is committed synchronously. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    private long lastCommit;

    SubscriptionLoop(Consumer<String, byte[]> consumer, TopicSpec topic, AsyncEventHandler handler, KafkaEventSubscriber.Retries retries, TopicSpec deadLetters,
            Producer<String, byte[]> deadLetterProducer) {
        this.consumer = consumer;
        this.topic = topic;
        this.handler = handler;
        this.retries = retries;
        this.retrying = new PartitionRetries(retries);
        this.parked = new ParkedEvents(deadLetters, deadLetterProducer);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // the next owner starts from the committed offset: make it the last processed one
                    drain(partitions, KafkaEventSubscriber.HANDLER_TIMEOUT);
                    commitProcessed(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    // another member owns them already: what is in flight here may come again there,
                    // and an offset processed here must not be committed over the new owner's
                    forget(partitions);
                    partitions.forEach(tp -> {
                        toCommit.remove(tp);
                        uncommitted.remove(tp);
                    });
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.countDown();
                }
            });
            long pollBackoff = 0;
            while (running) {
                try {
                    settle();
                    flowControl();
                    // with events in flight, come back soon to settle them; otherwise wait for records
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(inFlightCount > 0 || retrying.holdsAnyBack() ? 5 : 500));
                    dispatchAll(records);
                    pollBackoff = 0;
                    polling = true;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // the cluster refused or went away (authorization, a fenced member, ...): the thread
                    // lives on and tries again, and /health shows the subscription as not polling meanwhile
                    pollBackoff = Math.min(Math.max(2 * pollBackoff, retries.first().toMillis()), retries.max().toMillis());
                    if (polling) {
                        log.warn("polling {} failed ({}); trying again, backing off up to {}", topic.name(), e.toString(), retries.max());
                    }
                    polling = false;
                    // close() counts this down: a subscription closed during an outage stops at once
                    closing.await(pollBackoff, TimeUnit.MILLISECONDS);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("subscription to {} stopped", topic.name(), e);
        } finally {
            stopped = true;
            try {
                drain(List.copyOf(inFlight.keySet()), Duration.ofSeconds(5));
                commitProcessed(List.copyOf(uncommitted.keySet()));
            } finally {
                consumer.close();
                parked.close();
            }
        }
    }

    private void dispatchAll(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            var pending = inFlight.computeIfAbsent(tp, k -> new ArrayDeque<>());
            for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                var result = dispatch(r);
                pending.add(new Pending(r, result, System.nanoTime()));
                inFlightCount++;
                if (result.isCompletedExceptionally()) {
                    break; // failed already (a synchronous handler): nothing after it runs before its retry
                }
            }
        }
    }

    /**
     * Moves each partition's offset over the completed prefix of its events. At the first failed
     * (or timed-out) event the partition is rewound to it, what was dispatched after it is dropped
     * (it comes again), and the partition pauses for its backoff: 0.1 s doubling to 30 s.
     */
    private void settle() {
        long now = System.nanoTime();
        for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            TopicPartition tp = e.getKey();
            ArrayDeque<Pending> pending = e.getValue();
            while (!pending.isEmpty()) {
                Pending head = pending.peekFirst();
                Throwable failure = failure(head, now);
                if (failure == null && !head.result().isDone()) {
                    break;
                }
                if (failure != null) {
                    var r = head.record();
                    DependencyDown down = DependencyDown.in(failure);
                    if (down != null) {
                        waitOutOutage(tp, r, down, now);
                        inFlightCount -= pending.size();
                        pending.clear();
                        break;
                    }
                    int tries = retrying.failed(tp);
                    if (retrying.spent(tries) || failure instanceof MalformedMessageException) {
                        // parked: the partition goes on behind it (when the dead letter cannot be written,
                        // park answers false and the event is retried like any failure)
                        if (parked.park(r, failure, tries)) {
                            retrying.succeeded(tp);
                            pending.pollFirst();
                            inFlightCount--;
                            toCommit.put(tp, new OffsetAndMetadata(r.offset() + 1));
                            if (pending.isEmpty()) {
                                // it failed as it was dispatched, and what was fetched behind it was not: fetch it again
                                consumer.seek(tp, r.offset() + 1);
                            }
                            continue;
                        }
                    }
                    log.warn("handler failed on {}-{}@{} (try {} of {}); will retry: {}", r.topic(), r.partition(), r.offset(), tries,
                            retries.attempts(), ParkedEvents.causes(failure));
                    consumer.seek(tp, r.offset());
                    inFlightCount -= pending.size();
                    pending.clear();
                    retrying.retryLater(tp, now);
                    consumer.pause(List.of(tp));
                    break;
                }
                pending.pollFirst();
                inFlightCount--;
                toCommit.put(tp, new OffsetAndMetadata(head.record().offset() + 1));
                String wasDown = retrying.succeeded(tp); // it went through: the next failure starts afresh
                if (wasDown != null) {
                    log.info("{}: {} answers again, the partition goes on", tp, wasDown);
                }
            }
            if (pending.isEmpty()) {
                it.remove();
            }
        }
        var due = retrying.due(now);
        if (!due.isEmpty() && !pausedForInFlight) {
            consumer.resume(due);
        }
        if (!toCommit.isEmpty() && now - lastCommit >= COMMIT_EVERY_NANOS) {
            commitAsync();
            lastCommit = now;
        }
    }

    /**
     * The event's handler found a dependency down: the partition is rewound to the event and paused for
     * a backoff that grows to {@link KafkaEventSubscriber#OUTAGE_BACKOFF}, without counting a try. One
     * warning when the outage starts on the partition and one line when it ends, not one per retry.
     */
    private void waitOutOutage(TopicPartition tp, ConsumerRecord<String, byte[]> r, DependencyDown down, long now) {
        if (retrying.waitFor(tp, down.dependency(), now)) {
            log.warn("{}-{}@{}: {}; retrying every {} s at most until it answers, nothing is parked for it: {}", r.topic(), r.partition(),
                    r.offset(), down.getMessage(), KafkaEventSubscriber.OUTAGE_BACKOFF.toSeconds(), ParkedEvents.causes(down.getCause()));
        }
        consumer.seek(tp, r.offset());
        consumer.pause(List.of(tp));
    }

    /** Why the event failed, or null while it is running or once it succeeded. */
    private static Throwable failure(Pending p, long now) {
        if (!p.result().isDone()) {
            return now - p.dispatchedAt() > KafkaEventSubscriber.HANDLER_TIMEOUT.toNanos() ? new TimeoutException("handler did not complete in " + KafkaEventSubscriber.HANDLER_TIMEOUT) : null;
        }
        try {
            p.result().join();
            return null;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    /** Too much in flight: stop fetching until half of it has settled. */
    private void flowControl() {
        if (!pausedForInFlight && inFlightCount >= MAX_IN_FLIGHT) {
            consumer.pause(consumer.assignment());
            pausedForInFlight = true;
        } else if (pausedForInFlight && inFlightCount <= MAX_IN_FLIGHT / 2) {
            pausedForInFlight = false;
            consumer.resume(consumer.assignment().stream().filter(tp -> !retrying.holdsBack(tp)).toList());
        }
    }

    private void commitAsync() {
        var offsets = Map.copyOf(toCommit);
        uncommitted.putAll(offsets);
        toCommit.clear();
        consumer.commitAsync(offsets, (o, error) -> {
            if (error != null) {
                log.debug("offset commit failed (the next one covers it): {}", error.toString());
            }
        });
    }

    /** Waits up to {@code timeout} for the partitions' events in flight, then settles them. */
    private void drain(Collection<TopicPartition> partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopicPartition tp : partitions) {
            for (Pending p : inFlight.getOrDefault(tp, new ArrayDeque<>())) {
                try {
                    p.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException e) {
                    break; // settle sees it: the partition's offset stops before it
                }
            }
        }
        settle();
        toCommit.forEach(uncommitted::put);
        toCommit.clear();
        forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            var pending = inFlight.remove(tp);
            inFlightCount -= pending == null ? 0 : pending.size();
            retrying.forget(tp);
        }
    }

    private void commitProcessed(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = uncommitted.remove(tp);
            if (o != null) {
                offsets.put(tp, o);
            }
        }
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets);
            } catch (RuntimeException e) {
                log.warn("could not commit the last processed offsets of {}: {} (their events will be delivered again)", topic.name(), e.toString());
            }
        }
    }

    private static final CompletableFuture<Void> PASSED_BY = CompletableFuture.completedFuture(null);

    private record Pending(ConsumerRecord<String, byte[]> record, CompletableFuture<Void> result, long dispatchedAt) {
    }

    /** Starts the handler on the record; an unreadable record fails at once, and is dead-lettered without retries. */
    private CompletableFuture<Void> dispatch(ConsumerRecord<String, byte[]> r) {
        Header type = r.headers().lastHeader(EnvelopeMapping.TYPE);
        if (type != null && type.value() != null && !handler.accepts(EnvelopeMapping.typeName(new String(type.value(), StandardCharsets.UTF_8)))) {
            return PASSED_BY;
        }
        Event<SpecificRecord> event;
        try {
            Envelope envelope = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
            event = new Event<>(envelope, AvroCodec.decode(envelope, r.value()));
        } catch (MalformedMessageException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            return handler.handle(event).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void awaitAssignment(Duration timeout) {
        try {
            if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no partitions of " + topic.name() + " assigned within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean isRunning() {
        return !stopped && polling;
    }

    @Override
    public long deadLettered() {
        return parked.count();
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
