package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.ProductViewed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriber's offset keeping, without a broker: a {@link MockConsumer} that gives records again
 * after a seek back (as the broker does), a {@link MockProducer} for the dead letters, and a handler
 * whose results the test completes or fails.
 */
class SubscriptionLoopTest {
    private static final TopicSpec TOPIC = MarketTopics.ACTIVITY;
    private static final TopicPartition P0 = new TopicPartition(TOPIC.name(), 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC.name(), 1);

    private final ReplayingConsumer consumer = new ReplayingConsumer();
    private final MockProducer<String, byte[]> deadLetters = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    /** Per customer, the results the handler returned, in the order it was called. */
    private final Map<String, List<CompletableFuture<Void>>> calls = new ConcurrentHashMap<>();
    private SubscriptionLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void anOffsetMovesOnlyOverTheEventsThatCompletedInLogOrder() {
        start(event -> new CompletableFuture<>(), KafkaEventSubscriber.Retries.DEFAULT);
        consumer.add(P0, "a", "b", "c");
        await().until(() -> calls.size() == 3);

        complete("b");
        complete("c");
        await().during(Duration.ofMillis(300)).until(() -> committed(P0).isEmpty());

        complete("a");
        await().until(() -> committed(P0).equals(Optional.of(3L)));
    }

    @Test
    void aFailingEventIsRetriedThenParkedAndItsPartitionGoesOnWhileTheOtherNeverWaited() {
        var retries = new KafkaEventSubscriber.Retries(3, Duration.ofMillis(10), Duration.ofMillis(40));
        start(event -> event.envelope().key().equals("bad") ? CompletableFuture.failedFuture(new IllegalStateException("no"))
                : CompletableFuture.completedFuture(null), retries);
        consumer.add(P0, "bad", "after");
        consumer.add(P1, "other");

        await().until(() -> committed(P0).equals(Optional.of(2L)) && committed(P1).equals(Optional.of(1L)));
        assertThat(calls.get("bad")).as("tried as often as the retries allow").hasSize(3);
        assertThat(calls.get("after")).as("the event behind it, handled once it was parked").hasSize(1);
        assertThat(calls.get("other")).hasSize(1);
        assertThat(deadLetters.history()).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo(TOPIC.name() + ".dlt");
            assertThat(letter.key()).isEqualTo("bad");
        });
        assertThat(loop.deadLettered()).isEqualTo(1);
    }

    @Test
    void anEventThatFailsOnceIsHandledAgainAndCountedOnce() {
        var failedOnce = ConcurrentHashMap.<String>newKeySet();
        start(event -> failedOnce.add(event.envelope().key()) ? CompletableFuture.failedFuture(new IllegalStateException("once"))
                : CompletableFuture.completedFuture(null), new KafkaEventSubscriber.Retries(5, Duration.ofMillis(10), Duration.ofMillis(40)));
        consumer.add(P0, "x", "y");

        await().until(() -> committed(P0).equals(Optional.of(2L)));
        assertThat(calls.get("x")).hasSize(2);
        assertThat(calls.get("y")).as("dispatched behind x's failure at most once before the rewind, then once").hasSizeBetween(1, 2);
        assertThat(deadLetters.history()).isEmpty();
    }

    @Test
    void anEventWhoseDependencyIsDownIsRetriedPastEveryAttemptAndNeverParked() {
        var downFor = new java.util.concurrent.atomic.AtomicInteger(12);
        start(event -> event.envelope().key().equals("waits") && downFor.getAndDecrement() > 0
                ? CompletableFuture.failedFuture(new java.util.concurrent.CompletionException(new DependencyDown("the database", new java.sql.SQLException("refused", "08001"))))
                : CompletableFuture.completedFuture(null), new KafkaEventSubscriber.Retries(3, Duration.ofMillis(1), Duration.ofMillis(20)));
        consumer.add(P0, "waits", "behind");

        await().until(() -> committed(P0).equals(Optional.of(2L)));
        assertThat(calls.get("waits")).as("twelve outage failures, four times the 3 tries an event gets, then through").hasSize(13);
        assertThat(deadLetters.history()).as("nothing parked for an outage").isEmpty();
        assertThat(loop.deadLettered()).isZero();
        assertThat(calls.get("behind").get(calls.get("behind").size() - 1)).isCompleted();
    }

    private void start(AsyncEventHandler behaviour, KafkaEventSubscriber.Retries retries) {
        AsyncEventHandler recording = event -> {
            var result = behaviour.handle(event).toCompletableFuture();
            calls.computeIfAbsent(event.envelope().key(), k -> new CopyOnWriteArrayList<>()).add(result);
            return result;
        };
        loop = new SubscriptionLoop(consumer, TOPIC, recording, retries, new TopicSpec(TOPIC.name() + ".dlt", "key", List.of(), 1,
                TopicSpec.Cleanup.DELETE, Duration.ofDays(1)), deadLetters);
        consumer.assignOnFirstPoll(Set.of(P0, P1));
        var thread = new Thread(loop, "subscription-loop-test");
        thread.setDaemon(true);
        loop.thread = thread;
        thread.start();
    }

    private void complete(String customer) {
        calls.get(customer).get(0).complete(null);
    }

    private Optional<Long> committed(TopicPartition tp) {
        return Optional.ofNullable(consumer.committed(Set.of(tp)).get(tp)).map(o -> o.offset());
    }

    /** A mock consumer that, like a broker, gives again what follows an offset it is sought back to. */
    private static final class ReplayingConsumer extends MockConsumer<String, byte[]> {
        private final List<ConsumerRecord<String, byte[]>> log = new ArrayList<>();
        private Set<TopicPartition> toAssign = Set.of();

        ReplayingConsumer() {
            super("earliest");
        }

        synchronized void assignOnFirstPoll(Set<TopicPartition> partitions) {
            toAssign = partitions;
            // the loop subscribes from its own thread: the assignment comes with its first poll, as from a broker
            schedulePollTask(() -> {
                rebalance(toAssign);
                updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
            });
        }

        /** The events, in one fetch: added in several, one could land behind a seek back and come before the earlier offsets. */
        synchronized void add(TopicPartition tp, String... customers) {
            List<ConsumerRecord<String, byte[]>> fetch = new ArrayList<>();
            for (String customer : customers) {
                long offset = log.stream().filter(r -> r.partition() == tp.partition()).count();
                var type = EventCatalog.byName(ProductViewed.getClassSchema().getName()).orElseThrow();
                var envelope = new Envelope(UUID.randomUUID(), type.name(), type.version(), customer, Instant.now(), null, null, null);
                var record = new ConsumerRecord<>(tp.topic(), tp.partition(), offset, envelope.occurredAt().toEpochMilli(), TimestampType.CREATE_TIME,
                        -1, -1, customer, AvroCodec.encode(ProductViewed.newBuilder().setCustomerId(customer).setProductId("p").build()),
                        KafkaHeaders.of(envelope), Optional.empty());
                log.add(record);
                fetch.add(record);
            }
            schedulePollTask(() -> fetch.forEach(this::addRecord));
        }

        @Override
        public synchronized void seek(TopicPartition tp, long offset) {
            super.seek(tp, offset);
            log.stream().filter(r -> r.partition() == tp.partition() && r.offset() >= offset).forEach(this::addRecord);
        }
    }
}
