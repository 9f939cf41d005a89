package io.heomdm.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.demand.DemandSettings;
import io.heomdm.analytics.scores.RfmCuts;
import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.CustomerScored;
import io.heomdm.events.schema.DemandObserved;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analytics applications on a real broker, stopped in the middle of their input and started
 * again on an empty state directory (their stores restored from their changelogs): every
 * customer's segment changes and scores, and every product's demand, come out exactly once.
 */
class AnalyticsIT {
    static final int CUSTOMERS = 300;
    static final String TICKER = "ticker"; // the customer whose views close the demand windows
    static final int PRODUCTS = 10;
    static final int ORDERS_EACH = 3;
    static final int UNITS_PER_ORDER = 2;
    static final Map<String, String> RULES = Map.of(
            "viewers", "{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7}}",
            "buyers", "{\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 1}",
            "big-spenders", "{\"property\": \"revenue\", \"op\": \"gte\", \"value\": 100}");
    // per customer: a view, then three orders of 40.00 (fixed RFM cut points, so the RFM path is known)
    static final List<String> EXPECTED_CHANGES = List.of("+viewers", "+buyers", "+New", "-New", "+Potential Loyalist", "+big-spenders");
    static final DemandSettings TEN_MINUTES = new DemandSettings(Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ZERO, 0.3, 0.2);

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    final EventIds ids = new EventIds(InstantSource.system(), new SplittableRandom(5));

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        settings = KafkaSettings.singleBroker(kafka.bootstrapServers());
        TopicAdmin.ensure(settings, MarketTopics.all());
        TopicAdmin.ensure(settings, AnalyticsTopics.all());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** What came out, as read by a read_committed consumer. */
    static final class Output {
        final Map<String, List<String>> changes = new TreeMap<>();
        final Map<String, Integer> scores = new TreeMap<>();
        final Map<String, Long> units = new TreeMap<>();
        final Set<String> windows = new HashSet<>();
        int demandRecords;
        int records;

        void add(String key, byte[] value, org.apache.kafka.common.header.Headers headers, long timestamp) {
            records++;
            Envelope e = KafkaHeaders.envelope(headers, key, timestamp);
            SpecificRecord p = AvroCodec.decode(e, value);
            if (key.endsWith("/" + TICKER) || key.equals(TICKER)) {
                return;
            }
            if (p instanceof SegmentEntered s) {
                changes.computeIfAbsent(s.getCustomerId(), k -> new ArrayList<>()).add("+" + s.getSegment());
            } else if (p instanceof SegmentExited s) {
                changes.computeIfAbsent(s.getCustomerId(), k -> new ArrayList<>()).add("-" + s.getSegment());
            } else if (p instanceof CustomerScored s) {
                scores.merge(s.getCustomerId(), 1, Integer::sum);
            } else if (p instanceof DemandObserved d && d.getProductId().startsWith("p-")) {
                units.merge(d.getProductId(), d.getUnits(), Long::sum);
                windows.add(d.getProductId() + "@" + d.getWindowStart());
                demandRecords++;
            }
        }

        boolean complete() {
            return changes.values().stream().mapToInt(List::size).sum() >= CUSTOMERS * EXPECTED_CHANGES.size()
                    && scores.values().stream().mapToInt(Integer::intValue).sum() >= CUSTOMERS * ORDERS_EACH
                    && units.values().stream().mapToLong(Long::longValue).sum() >= (long) CUSTOMERS * ORDERS_EACH * UNITS_PER_ORDER;
        }
    }

    @Test
    void aRestartOnAnEmptyDiskInTheMiddleOfTheInputLosesAndRepeatsNothing() throws Exception {
        var catalog = SegmentCatalog.of(RULES.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> RuleParser.parse(e.getValue()))));
        var customerSettings = new CustomerAnalyticsSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 100, Optional.of(RfmCuts.DEFAULT), 10);
        var out = new Output();
        try (var publisher = new KafkaEventPublisher(settings, "it"); var consumer = consumer()) {
            var first = Analytics.start(settings, dir.resolve("state-1"), 1, customerSettings, catalog, TEN_MINUTES, io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT, Duration.ofSeconds(60), InstantSource.system(), new SplittableRandom(3));
            publishRound(publisher, c -> ProductViewed.newBuilder().setCustomerId(c).setProductId("p-1").build());
            publishRound(publisher, this::order);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.key(), r.value(), r.headers(), r.timestamp()));
                return out.records > 0;
            });
            first.close(); // mid-input: some customers processed, some not

            publishRound(publisher, this::order);
            publishRound(publisher, this::order);
            try (var second = Analytics.start(settings, dir.resolve("state-2"), 1, customerSettings, catalog, TEN_MINUTES, io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT, Duration.ofSeconds(120), InstantSource.system(), new SplittableRandom(3))) {
                // once demand has read every event up to here, a later one closes the windows; sent before,
                // it could overtake the orders on their way through the repartition topic and they would be late
                awaitCaughtUp(Analytics.DEMAND_APPLICATION_ID);
                long[] lastTick = {0};
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    if (System.nanoTime() - lastTick[0] > 2_000_000_000L) {
                        closeEveryDemandWindow(publisher);
                        lastTick[0] = System.nanoTime();
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.key(), r.value(), r.headers(), r.timestamp()));
                    return out.complete();
                });
                // anything beyond the expected is a duplicate
                consumer.poll(Duration.ofSeconds(3)).forEach(r -> out.add(r.key(), r.value(), r.headers(), r.timestamp()));
            }
        }
        assertThat(out.changes).hasSize(CUSTOMERS);
        assertThat(out.changes).allSatisfy((customer, list) -> assertThat(list).as(customer).containsExactlyInAnyOrderElementsOf(EXPECTED_CHANGES));
        assertThat(out.scores).hasSize(CUSTOMERS).allSatisfy((customer, n) -> assertThat(n).as(customer + ": one score per order").isEqualTo(ORDERS_EACH));
        assertThat(out.demandRecords).as("one record per product and window").isEqualTo(out.windows.size());
        assertThat(out.units).hasSize(PRODUCTS).allSatisfy((product, n) -> assertThat(n).as(product)
                .isEqualTo((long) UNITS_PER_ORDER * ORDERS_EACH * CUSTOMERS / PRODUCTS));
        // the restore above read the changelogs whole; compacted, they would hold a record per key
        assertThat(changelogSegmentMs()).as("segment.ms of each changelog").isNotEmpty().allSatisfy((topic, ms) -> assertThat(ms).as(topic)
                .isEqualTo(Duration.ofMinutes(10).toMillis()));
    }

    private static Map<String, Long> changelogSegmentMs() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var changelogs = admin.listTopics().names().get().stream().filter(t -> t.endsWith("-changelog"))
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            return admin.describeConfigs(changelogs).all().get().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().name(), e -> Long.parseLong(e.getValue().get("segment.ms").value())));
        }
    }

    private OrderPlaced order(String customerId) {
        String product = "p-" + Integer.parseInt(customerId.substring(2)) % PRODUCTS;
        return OrderPlaced.newBuilder().setCustomerId(customerId).setOrderId(ids.next().toString())
                .setLines(List.of(new OrderLine(product, UNITS_PER_ORDER, new BigDecimal("20.00")))).setTotal(new BigDecimal("40.00")).build();
    }

    /**
     * Windows close in stream time, which each partition of the by-product repartition topic keeps
     * for itself: a view half an hour on of a product on each of those partitions closes them all.
     * Streams looks for closed windows at most once a second of wall-clock time, on a record's
     * arrival, so this is sent again until the windows are out.
     */
    private void closeEveryDemandWindow(KafkaEventPublisher publisher) {
        int partitions = MarketTopics.ACTIVITY.partitions();
        Set<Integer> covered = new HashSet<>();
        Instant later = Instant.now().plus(Duration.ofMinutes(30)); // the broker refuses timestamps over an hour ahead
        for (int k = 0; covered.size() < partitions; k++) {
            String product = "tick-" + k;
            if (covered.add(Utils.toPositive(Utils.murmur2(product.getBytes(StandardCharsets.UTF_8))) % partitions)) {
                var view = ProductViewed.newBuilder().setCustomerId(TICKER).setProductId(product).build();
                publisher.publish(MarketTopics.ACTIVITY, new Event<>(new Envelope(ids.next(), "ProductViewed", EventCatalog.PRODUCT_VIEWED.version(),
                        TICKER, later, null, null, null), view)).join();
            }
        }
    }

    /** Until the group has committed the end of each topic it reads. */
    private static void awaitCaughtUp(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                var ends = admin.listOffsets(committed.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                        .all().get();
                return committed.keySet().stream().anyMatch(tp -> tp.topic().equals(MarketTopics.ACTIVITY.name()))
                        && committed.entrySet().stream().allMatch(e -> e.getValue().offset() >= ends.get(e.getKey()).offset());
            });
        }
    }

    private void publishRound(KafkaEventPublisher publisher, Function<String, SpecificRecord> payload) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            String customer = String.format("c-%03d", i);
            SpecificRecord p = payload.apply(customer);
            var type = EventCatalog.byName(p.getSchema().getName()).orElseThrow();
            acks.add(publisher.publish(MarketTopics.ACTIVITY,
                    new Event<>(new Envelope(ids.next(), type.name(), type.version(), customer, Instant.now(), null, null, null), p)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (var topic : AnalyticsTopics.all()) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
