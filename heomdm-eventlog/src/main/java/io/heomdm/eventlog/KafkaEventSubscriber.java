package io.heomdm.eventlog;

import io.heomdm.eventlog.internal.KafkaClients;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventSubscriber} on a Kafka consumer, one thread per subscription. A new group starts at
 * the earliest offset, so nothing written before the service first started is missed.
 *
 * <p>A handler failure rewinds its partition to the failed event and retries it after an
 * exponential backoff (0.1 s doubling to 30 s); the partition waits, the others go on. A record
 * whose envelope or payload cannot be read is logged and skipped, since no retry can fix it.
 */
public final class KafkaEventSubscriber implements EventSubscriber {
    private static final Logger log = LoggerFactory.getLogger(KafkaEventSubscriber.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** An asynchronous handler that has not completed by then counts as failed, and its event comes again. */
    private static final Duration HANDLER_TIMEOUT = Duration.ofMinutes(2);
    private final KafkaSettings kafka;

    public KafkaEventSubscriber(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public Subscription subscribe(String consumerGroup, TopicSpec topic, EventHandler handler) {
        return subscribeAsync(consumerGroup, topic, event -> {
            try {
                handler.handle(event);
                return CompletableFuture.completedFuture(null);
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    @Override
    public Subscription subscribeAsync(String consumerGroup, TopicSpec topic, AsyncEventHandler handler) {
        Map<String, Object> props = KafkaClients.base(kafka, consumerGroup);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        var subscription = new Loop(consumer, topic, handler);
        Thread thread = new Thread(subscription, "subscriber-" + consumerGroup);
        thread.setDaemon(true);
        subscription.thread = thread;
        thread.start();
        return subscription;
    }

    private static final class Loop implements Runnable, Subscription {
        private final KafkaConsumer<String, byte[]> consumer;
        private final TopicSpec topic;
        private final AsyncEventHandler handler;
        private final CountDownLatch assigned = new CountDownLatch(1);
        private volatile boolean running = true;
        private Thread thread;
        private long backoffMillis = 0;
        /** The last processed offset of each partition, until it is committed synchronously. */
        private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

        Loop(KafkaConsumer<String, byte[]> consumer, TopicSpec topic, AsyncEventHandler handler) {
            this.consumer = consumer;
            this.topic = topic;
            this.handler = handler;
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(List.of(topic.name()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        // the next owner starts from the committed offset: make it the last processed one
                        commitProcessed(partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assigned.countDown();
                    }
                });
                while (running) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (!records.isEmpty()) {
                        processBatch(records);
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                log.error("subscription to {} stopped", topic.name(), e);
            } finally {
                try {
                    commitProcessed(List.copyOf(uncommitted.keySet()));
                } finally {
                    consumer.close();
                }
            }
        }

        /**
         * Hands every event of the poll to the handler, then settles each partition in log order:
         * the offset after the last completed event is committed; at the first failure the
         * partition is rewound to that event (the ones after it come again).
         */
        private void processBatch(ConsumerRecords<String, byte[]> records) {
            Map<TopicPartition, List<Pending>> dispatched = new HashMap<>();
            for (TopicPartition tp : records.partitions()) {
                List<Pending> pending = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                    var result = dispatch(r);
                    pending.add(new Pending(r, result));
                    if (result.isCompletedExceptionally()) {
                        break; // failed already (a synchronous handler): nothing after it runs before its retry
                    }
                }
                dispatched.put(tp, pending);
            }
            Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
            boolean failed = false;
            for (var e : dispatched.entrySet()) {
                for (Pending p : e.getValue()) {
                    if (!running || !settled(p)) {
                        consumer.seek(e.getKey(), p.record().offset());
                        failed |= running;
                        break;
                    }
                    processed.put(e.getKey(), new OffsetAndMetadata(p.record().offset() + 1));
                }
            }
            if (!processed.isEmpty()) {
                // asynchronously: a synchronous commit per poll costs a broker round trip per batch, which
                // dominates at high rates; a lost async commit is covered by the next one, and the last
                // offsets are committed synchronously when partitions are revoked and when the loop stops
                uncommitted.putAll(processed);
                consumer.commitAsync(processed, (offsets, error) -> {
                    if (error != null) {
                        log.debug("offset commit failed (the next one covers it): {}", error.toString());
                    }
                });
            }
            if (failed) {
                backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
                sleep(backoffMillis);
            } else {
                backoffMillis = 0;
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

        private record Pending(ConsumerRecord<String, byte[]> record, CompletableFuture<Void> result) {
        }

        /** Starts the handler on the record; an unreadable record is done with at once (logged and skipped). */
        private CompletableFuture<Void> dispatch(ConsumerRecord<String, byte[]> r) {
            Event<SpecificRecord> event;
            try {
                Envelope envelope = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
                event = new Event<>(envelope, AvroCodec.decode(envelope, r.value()));
            } catch (MalformedMessageException e) {
                log.error("skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                return CompletableFuture.completedFuture(null);
            }
            try {
                return handler.handle(event).toCompletableFuture();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** Waits for the record's handler; true when it succeeded. */
        private boolean settled(Pending p) {
            try {
                p.result().get(HANDLER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
                return false;
            } catch (ExecutionException | TimeoutException e) {
                var r = p.record();
                log.warn("handler failed on {}-{}@{}; will retry", r.topic(), r.partition(), r.offset(),
                        e instanceof ExecutionException ? e.getCause() : e);
                return false;
            }
        }

        private void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
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
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
