package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.Traceparent;
import io.heomdm.events.schema.ProductViewed;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaEventLogIT {
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    final EventIds ids = new EventIds(InstantSource.system(), new SplittableRandom(11));

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir, 0);
        settings = KafkaSettings.singleBroker(kafka.bootstrapServers());
        assertThat(TopicAdmin.ensure(settings, MarketTopics.all())).hasSize(5);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void topicsAreCreatedOnceWithTheirSpecs() throws Exception {
        assertThat(TopicAdmin.ensure(settings, MarketTopics.all())).isEmpty();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var catalog = new ConfigResource(ConfigResource.Type.TOPIC, MarketTopics.CATALOG.name());
            ConfigEntry cleanup = admin.describeConfigs(List.of(catalog)).all().get().get(catalog).get("cleanup.policy");
            assertThat(cleanup.value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(MarketTopics.ACTIVITY.name())).allTopicNames().get()
                    .get(MarketTopics.ACTIVITY.name()).partitions()).hasSize(12);

            // a topic someone made by hand with other partitions and a lower min.insync.replicas stops the start, named
            var stray = new TopicSpec("it.stray.v1", "customerId", MarketTopics.ACTIVITY.types(), 6, TopicSpec.Cleanup.DELETE, null);
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(stray.name(), 3, (short) 1))).all().get();
            var safer = new KafkaSettings(kafka.bootstrapServers(), Map.of(), java.time.Duration.ofSeconds(10), (short) 1, 2);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicAdmin.ensure(safer, List.of(stray)))
                    .hasMessageContaining("it.stray.v1 has 3 partitions where its spec has 6")
                    .hasMessageContaining("it.stray.v1 has min.insync.replicas 1 where kafka.minInsyncReplicas is 2");
        }
    }

    @Test
    void publishedEventsArriveWithTheirEnvelopeInKeyOrder() throws Exception {
        List<Event<SpecificRecord>> received = new CopyOnWriteArrayList<>();
        try (var publisher = new KafkaEventPublisher(settings, "it");
                var sub = new KafkaEventSubscriber(settings).subscribe("it-order", MarketTopics.ACTIVITY, received::add)) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            List<Event<ProductViewed>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                var e = viewed("order-customer", "p-" + i);
                sent.add(e);
                LogPosition p = publisher.publish(MarketTopics.ACTIVITY, e).get(10, TimeUnit.SECONDS);
                assertThat(p.topic()).isEqualTo("market.activity.v1");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> received.stream()
                    .filter(e -> e.envelope().key().equals("order-customer")).count() == 20);
            var mine = received.stream().filter(e -> e.envelope().key().equals("order-customer")).toList();
            assertThat(mine).extracting(Event::envelope).containsExactlyElementsOf(sent.stream().map(Event::envelope).toList());
            assertThat(mine).extracting(e -> ((ProductViewed) e.payload()).getProductId())
                    .containsExactlyElementsOf(sent.stream().map(e -> e.payload().getProductId()).toList());
        }
    }

    @Test
    void aFailingHandlerIsRetriedAndTheOffsetIsNotCommittedPastIt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<String> done = new CopyOnWriteArrayList<>();
        var event = viewed("retry-customer", "p-retry");
        try (var publisher = new KafkaEventPublisher(settings, "it");
                var sub = new KafkaEventSubscriber(settings).subscribe("it-retry", MarketTopics.ACTIVITY, e -> {
                    if (!e.envelope().eventId().equals(event.envelope().eventId())) {
                        return;
                    }
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("transient");
                    }
                    done.add(e.envelope().eventId().toString());
                })) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            publisher.publish(MarketTopics.ACTIVITY, event).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 1);
            assertThat(attempts).hasValue(3);
        }
        // a new member of the same group starts after the processed event, not before it
        List<String> again = new CopyOnWriteArrayList<>();
        try (var sub = new KafkaEventSubscriber(settings).subscribe("it-retry", MarketTopics.ACTIVITY,
                e -> again.add(e.envelope().eventId().toString()))) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !again.contains(event.envelope().eventId().toString()));
        }
    }

    @Test
    void anEventThatKeepsFailingIsDeadLetteredAndTheCustomersBehindItOnItsPartitionAreProcessed() throws Exception {
        // one customer: one partition, the poison event first, two good ones behind it, and an unreadable record
        var poison = viewed("blocked-customer", "p-poison");
        var after = List.of(viewed("blocked-customer", "p-1"), viewed("blocked-customer", "p-2"));
        List<String> done = new CopyOnWriteArrayList<>();
        AtomicInteger tries = new AtomicInteger();
        var retries = new KafkaEventSubscriber.Retries(3, Duration.ofMillis(10), Duration.ofMillis(50));
        try (var publisher = new KafkaEventPublisher(settings, "it");
                var sub = new KafkaEventSubscriber(settings, retries).subscribe("it-dlt", MarketTopics.ACTIVITY, e -> {
                    if (!e.envelope().key().equals("blocked-customer")) {
                        return;
                    }
                    if (e.envelope().eventId().equals(poison.envelope().eventId())) {
                        tries.incrementAndGet();
                        throw new ArithmeticException("units went negative");
                    }
                    done.add(((ProductViewed) e.payload()).getProductId());
                });
                var raw = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                        new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            publisher.publish(MarketTopics.ACTIVITY, poison).get(10, TimeUnit.SECONDS);
            var unreadable = viewed("blocked-customer", "p-unreadable");
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(MarketTopics.ACTIVITY.name(), null, "blocked-customer", new byte[] {(byte) 0xff},
                    KafkaHeaders.of(unreadable.envelope()))).get(10, TimeUnit.SECONDS);
            for (var e : after) {
                publisher.publish(MarketTopics.ACTIVITY, e).get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 2);
            assertThat(done).as("in order, behind the parked ones").containsExactly("p-1", "p-2");
            assertThat(tries).as("tried, then parked").hasValue(3);
            assertThat(sub.deadLettered()).isEqualTo(2);
            assertThat(sub.isRunning()).isTrue();

            var dlt = KafkaEventSubscriber.deadLetterTopic(MarketTopics.ACTIVITY, "it-dlt").name();
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "it-dlt-reader", "auto.offset.reset", "earliest"), new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                consumer.subscribe(List.of(dlt));
                List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> letters = new CopyOnWriteArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                    return letters.size() >= 2;
                });
                var first = letters.get(0);
                assertThat(KafkaHeaders.envelope(first.headers(), first.key(), first.timestamp()).eventId()).as("the same event, replayable")
                        .isEqualTo(poison.envelope().eventId());
                assertThat(DeadLetterHeaders.get(first.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(ArithmeticException.class.getName());
                assertThat(DeadLetterHeaders.get(first.headers(), DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
                assertThat(DeadLetterHeaders.get(first.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(MarketTopics.ACTIVITY.name());
                assertThat(DeadLetterHeaders.get(letters.get(1).headers(), DeadLetterHeaders.ATTEMPTS)).as("unreadable: no retry can fix it").isEqualTo("1");
            }
        }
        // the group's committed offset is past all four
        List<java.util.UUID> again = new CopyOnWriteArrayList<>();
        var dlt = KafkaEventSubscriber.deadLetterTopic(MarketTopics.ACTIVITY, "it-dlt").name();
        var fixedRetries = new KafkaEventSubscriber.Retries(1, Duration.ofMillis(10), Duration.ofMillis(10));
        try (var sub = new KafkaEventSubscriber(settings, fixedRetries).subscribe("it-dlt", MarketTopics.ACTIVITY, e -> again.add(e.envelope().eventId()));
                var console = new EventDeadLetters(settings)) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !again.contains(poison.envelope().eventId()));

            // the cause fixed (this handler takes everything): the console sends the parked events back
            assertThat(console.list()).contains(new EventDeadLetters.Parked(dlt, 2));
            var letters = console.show(dlt, 10);
            assertThat(letters).hasSize(2);
            assertThat(letters.get(0).reason()).isEqualTo(ArithmeticException.class.getName() + ": units went negative");
            assertThat(letters.get(0).from()).startsWith(MarketTopics.ACTIVITY.name() + "-");
            assertThat(letters.get(0).payload().get("productId").asText()).isEqualTo("p-poison");
            assertThat(letters.get(1).problem()).as("the unreadable one says why").isNotBlank();
            assertThat(console.replay(dlt)).isEqualTo(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> again.contains(poison.envelope().eventId()));
            // the unreadable one is parked again at once; the replayed ones are gone from where they were
            await().atMost(Duration.ofSeconds(20)).until(() -> console.list().contains(new EventDeadLetters.Parked(dlt, 1)));
            assertThat(console.purge(dlt)).isEqualTo(1);
            assertThat(console.list()).contains(new EventDeadLetters.Parked(dlt, 0));
        }
    }

    @Test
    void aDeadLetterThatNamesNoTopicOfTheLogIsNotReplayedAnywhereAndAGarbledCountIsShownAsOne() throws Exception {
        String dlt = "market.activity.v1.it-hostile.dlt";
        TopicAdmin.ensure(settings, List.of(new TopicSpec(dlt, "k", List.of(), 1, TopicSpec.Cleanup.DELETE, Duration.ofDays(1))));
        var event = viewed("hostile", "p-1");
        var headers = KafkaHeaders.of(event.envelope());
        headers.add(DeadLetterHeaders.TOPIC, dlt.getBytes(java.nio.charset.StandardCharsets.UTF_8)); // into itself: a loop
        headers.add(DeadLetterHeaders.ATTEMPTS, "lots".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (var raw = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
                var console = new EventDeadLetters(settings)) {
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(dlt, null, "hostile",
                    io.heomdm.events.AvroCodec.encode(event.payload()), headers)).get(10, TimeUnit.SECONDS);
            assertThat(console.show(dlt, 10)).singleElement().satisfies(l -> assertThat(l.attempts()).isEqualTo(1));
            assertThatThrownBy(() -> console.replay(dlt)).hasMessageContaining("names no topic it can go back to");
            assertThat(console.list()).as("left where it was").contains(new EventDeadLetters.Parked(dlt, 1));
            assertThat(console.holds("market.activity.v1")).as("not a dead-letter topic").isFalse();
        }
    }

    @Test
    void anAsyncHandlerIsPipelinedAndTheOffsetMovesOnlyOverCompletedEvents() throws Exception {
        var first = viewed("pipe-customer", "p-1");
        var second = viewed("pipe-customer", "p-2"); // same key: same partition, after the first
        String other = "pipe-other";
        for (int i = 0; partition(other) == partition("pipe-customer"); i++) {
            other = "pipe-other-" + i;
        }
        var third = viewed(other, "p-3");
        var mine = java.util.Set.of(first, second, third).stream().map(e -> e.envelope().eventId().toString()).toList();
        Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
        try (var publisher = new KafkaEventPublisher(settings, "it");
                var sub = new KafkaEventSubscriber(settings).subscribeAsync("it-pipe", MarketTopics.ACTIVITY, e -> {
                    String id = e.envelope().eventId().toString();
                    if (!mine.contains(id)) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return running.computeIfAbsent(id, k -> new CompletableFuture<>());
                })) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            publisher.publish(MarketTopics.ACTIVITY, first).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> running.containsKey(id(first)));
            publisher.publish(MarketTopics.ACTIVITY, second).get(10, TimeUnit.SECONDS);
            publisher.publish(MarketTopics.ACTIVITY, third).get(10, TimeUnit.SECONDS);
            // the loop went on polling while the first was in flight
            await().atMost(Duration.ofSeconds(20)).until(() -> running.containsKey(id(second)) && running.containsKey(id(third)));
            assertThat(running.get(id(first))).isNotDone();
            running.get(id(second)).complete(null);
            running.get(id(third)).complete(null);
        } // closing waits a while for the first, which never completes, and commits only what lies before it
        List<String> again = new CopyOnWriteArrayList<>();
        try (var sub = new KafkaEventSubscriber(settings).subscribe("it-pipe", MarketTopics.ACTIVITY, e -> again.add(id(e)))) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(20)).until(() -> again.contains(id(first)) && again.contains(id(second)));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !again.contains(id(third)));
        }
    }

    @Test
    void aHandlerIsHandedOnlyTheTypesItAcceptsAndTheOthersAreCommittedUndecoded() throws Exception {
        var wanted = viewed("typed-customer", "p-wanted");
        var other = viewed("typed-customer", "p-other");
        List<String> handed = new CopyOnWriteArrayList<>();
        var onlyViews = new AsyncEventHandler() {
            @Override
            public CompletableFuture<Void> handle(Event<SpecificRecord> e) {
                handed.add(e.envelope().type() + ":" + id(e));
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean accepts(String eventType) {
                return eventType.equals("ProductViewed");
            }
        };
        // a topic of its own: the garbled record below would be dead-lettered by the other tests' groups
        var typed = new TopicSpec("it.typed.v1", "customerId", MarketTopics.ACTIVITY.types(), 1, TopicSpec.Cleanup.DELETE, null);
        TopicAdmin.ensure(settings, List.of(typed));
        // an OrderPlaced header over bytes that are no OrderPlaced: decoded, it would be dead-lettered
        var notViewed = new Envelope(ids.next(), "OrderPlaced", EventCatalog.ORDER_PLACED.version(), "typed-customer", Instant.now(), null, null, null);
        try (var publisher = new KafkaEventPublisher(settings, "it");
                var sub = new KafkaEventSubscriber(settings).subscribeAsync("it-typed", typed, onlyViews);
                var raw = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                        new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            publisher.publish(typed, wanted).get(10, TimeUnit.SECONDS);
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(typed.name(), null, "typed-customer", new byte[] {(byte) 0xff},
                    KafkaHeaders.of(notViewed))).get(10, TimeUnit.SECONDS);
            publisher.publish(typed, other).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> handed.contains("ProductViewed:" + id(other)));
            assertThat(handed).filteredOn(h -> h.endsWith(id(wanted)) || h.endsWith(id(other)) || h.endsWith(notViewed.eventId().toString()))
                    .containsExactly("ProductViewed:" + id(wanted), "ProductViewed:" + id(other));
            assertThat(sub.deadLettered()).as("passed by, never decoded").isZero();
        }
        // the group's offset moved over all three: a new member is handed none of them
        List<String> again = new CopyOnWriteArrayList<>();
        try (var sub = new KafkaEventSubscriber(settings).subscribe("it-typed", typed, e -> again.add(id(e)))) {
            sub.awaitAssignment(Duration.ofSeconds(20));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !again.contains(notViewed.eventId().toString()) && !again.contains(id(other)));
        }
    }

    private static String id(Event<?> e) {
        return e.envelope().eventId().toString();
    }

    private static int partition(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % MarketTopics.ACTIVITY.partitions();
    }

    @Test
    void aTopicRefusesEventsItDoesNotCarry() {
        try (var publisher = new KafkaEventPublisher(settings, "it")) {
            assertThatThrownBy(() -> publisher.publish(MarketTopics.CATALOG, viewed("c", "p")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not carry ProductViewed");
        }
    }

    @Test
    void aPublishThatIsNotAcknowledgedInTimeFails() {
        var unreachable = new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(800), (short) 1, 1);
        try (var publisher = new KafkaEventPublisher(unreachable, "it-dead")) {
            var future = publisher.publish(MarketTopics.ACTIVITY, viewed("c", "p"));
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    private Event<ProductViewed> viewed(String customer, String product) {
        var payload = ProductViewed.newBuilder().setCustomerId(customer).setProductId(product).build();
        var id = ids.next();
        return new Event<>(new Envelope(id, "ProductViewed", EventCatalog.PRODUCT_VIEWED.version(), customer, Instant.ofEpochMilli(System.currentTimeMillis()),
                id.toString(), null, Traceparent.newTrace(new SplittableRandom())), payload);
    }
}
