package io.heomdm.eventlog;

import io.heomdm.events.Daemons;
import io.heomdm.eventlog.internal.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link EventSubscriber} on a Kafka consumer, one thread per subscription. A new group starts at
 * the earliest offset, so nothing written before the service first started is missed.
 *
 * <p>A handler failure rewinds its partition to the failed event and retries it after an
 * exponential backoff; the partition waits, the others go on. After {@link Retries#attempts} the
 * event goes to the group's dead-letter topic {@code <topic>.<group>.dlt} — as it was read, its own
 * headers (eventId, trace) kept, plus {@link DeadLetterHeaders} with the error, where it came from
 * and the attempts — and the partition moves on: one bad event costs one event, not every customer behind it. A
 * record whose envelope or payload cannot be read goes there at once, since no retry can fix it.
 */
public final class KafkaEventSubscriber implements EventSubscriber {
    /** An asynchronous handler that has not completed by then counts as failed, and its event comes again. */
    static final Duration HANDLER_TIMEOUT = Duration.ofMinutes(2);
    private final KafkaSettings kafka;
    private final Retries retries;

    /**
     * How often an event is tried before it is dead-lettered, and the backoff between tries (doubling
     * from {@code first} to {@code max}). The default, 8 tries from 0.1 s, gives a failing dependency
     * about 13 s to come back before events are parked.
     */
    /** The longest wait between tries of an event whose handler found a dependency down ({@link DependencyDown}). */
    public static final Duration OUTAGE_BACKOFF = Duration.ofSeconds(5);

    public record Retries(int attempts, Duration first, Duration max) {
        public static final Retries DEFAULT = new Retries(8, Duration.ofMillis(100), Duration.ofSeconds(30));

        public Retries {
            if (attempts < 1 || first.isNegative() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("attempts >= 1 and 0 <= first <= max: " + attempts + ", " + first + ", " + max);
            }
        }
    }

    public KafkaEventSubscriber(KafkaSettings kafka) {
        this(kafka, Retries.DEFAULT);
    }

    public KafkaEventSubscriber(KafkaSettings kafka, Retries retries) {
        this.kafka = kafka;
        this.retries = retries;
    }

    /** Where a group's dead events go: kept 30 days, for {@code heomdm dlq} to show and replay. */
    public static TopicSpec deadLetterTopic(TopicSpec topic, String consumerGroup) {
        return new TopicSpec(topic.name() + "." + consumerGroup + ".dlt", topic.keyMeaning(), topic.types(), 1, TopicSpec.Cleanup.DELETE,
                Duration.ofDays(30));
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
        KafkaSettings.CONSUMER_DEFAULTS.forEach(props::putIfAbsent);
        var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        TopicSpec deadLetters = deadLetterTopic(topic, consumerGroup);
        TopicAdmin.ensure(kafka, List.of(deadLetters));
        var producer = new KafkaProducer<>(KafkaEventPublisher.properties(kafka, consumerGroup + "-dlt"), new StringSerializer(), new ByteArraySerializer());
        var subscription = new SubscriptionLoop(consumer, topic, handler, retries, deadLetters, producer);
        Thread thread = Daemons.thread("subscriber-" + consumerGroup, subscription);
        subscription.thread = thread;
        thread.start();
        return subscription;
    }
}
