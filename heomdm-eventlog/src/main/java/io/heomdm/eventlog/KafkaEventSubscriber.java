package io.heomdm.eventlog;

import io.heomdm.eventlog.internal.KafkaClients;
import io.heomdm.eventlog.internal.KafkaHeaders;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.MalformedMessageException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
    private final KafkaSettings kafka;

    public KafkaEventSubscriber(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public Subscription subscribe(String consumerGroup, TopicSpec topic, EventHandler handler) {
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
        private final EventHandler handler;
        private final CountDownLatch assigned = new CountDownLatch(1);
        private volatile boolean running = true;
        private Thread thread;
        private long backoffMillis = 0;

        Loop(KafkaConsumer<String, byte[]> consumer, TopicSpec topic, EventHandler handler) {
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
                consumer.close();
            }
        }

        private void processBatch(ConsumerRecords<String, byte[]> records) {
            Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
            boolean failed = false;
            for (TopicPartition tp : records.partitions()) {
                for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                    if (!running || !process(r)) {
                        consumer.seek(tp, r.offset());
                        failed = running;
                        break;
                    }
                    processed.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
            }
            if (!processed.isEmpty()) {
                consumer.commitSync(processed);
            }
            if (failed) {
                backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
                sleep(backoffMillis);
            } else {
                backoffMillis = 0;
            }
        }

        /** True when the record is done with (handled, or unreadable and skipped). */
        private boolean process(ConsumerRecord<String, byte[]> r) {
            Event<SpecificRecord> event;
            try {
                Envelope envelope = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
                event = new Event<>(envelope, AvroCodec.decode(envelope, r.value()));
            } catch (MalformedMessageException e) {
                log.error("skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                return true;
            }
            try {
                handler.handle(event);
                return true;
            } catch (Exception e) {
                log.warn("handler failed on {} {} ({}-{}@{}); will retry", event.envelope().type(), event.envelope().eventId(),
                        r.topic(), r.partition(), r.offset(), e);
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
