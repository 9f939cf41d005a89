package io.heomdm.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
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
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customer analytics application on a real broker, stopped in the middle of its input and
 * started again on an empty state directory (its stores restored from their changelogs): every
 * customer's segment changes and scores come out exactly once.
 */
class CustomerAnalyticsIT {
    static final int CUSTOMERS = 300;
    static final Map<String, String> RULES = Map.of(
            "viewers", "{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7}}",
            "buyers", "{\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 1}",
            "big-spenders", "{\"property\": \"revenue\", \"op\": \"gte\", \"value\": 100}");
    // per customer: a view, then three orders of 40.00 (fixed RFM cut points, so the RFM path is known)
    static final List<String> EXPECTED_CHANGES = List.of("+viewers", "+buyers", "+New", "-New", "+Potential Loyalist", "+big-spenders");

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
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aRestartOnAnEmptyDiskInTheMiddleOfTheInputLosesAndRepeatsNothing() throws Exception {
        var catalog = SegmentCatalog.of(RULES.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> RuleParser.parse(e.getValue()))));
        var analyticsSettings = new CustomerAnalyticsSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 100, Optional.of(RfmCuts.DEFAULT), 10);
        try (var publisher = new KafkaEventPublisher(settings, "it"); var output = consumer()) {
            var first = CustomerAnalytics.start(settings, dir.resolve("state-1"), 1, analyticsSettings, catalog, Duration.ofSeconds(60));
            publishRound(publisher, c -> ProductViewed.newBuilder().setCustomerId(c).setProductId("p-1").build());
            publishRound(publisher, this::order);
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                output.poll(Duration.ofMillis(200)).forEach(seen::add);
                return !seen.isEmpty();
            });
            first.close(); // mid-input: some customers processed, some not

            publishRound(publisher, this::order);
            publishRound(publisher, this::order);
            try (var second = CustomerAnalytics.start(settings, dir.resolve("state-2"), 1, analyticsSettings, catalog, Duration.ofSeconds(120))) {
                int expected = CUSTOMERS * (EXPECTED_CHANGES.size() + 3);
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    output.poll(Duration.ofMillis(200)).forEach(seen::add);
                    return seen.size() >= expected;
                });
                output.poll(Duration.ofSeconds(3)).forEach(seen::add); // anything beyond the expected is a duplicate
            }

            Map<String, List<String>> changes = new java.util.TreeMap<>();
            Map<String, Integer> scored = new java.util.TreeMap<>();
            for (var r : seen) {
                Envelope e = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
                SpecificRecord p = AvroCodec.decode(e, r.value());
                if (p instanceof SegmentEntered s) {
                    changes.computeIfAbsent(s.getCustomerId(), k -> new ArrayList<>()).add("+" + s.getSegment());
                } else if (p instanceof SegmentExited s) {
                    changes.computeIfAbsent(s.getCustomerId(), k -> new ArrayList<>()).add("-" + s.getSegment());
                } else if (p instanceof CustomerScored s) {
                    scored.merge(s.getCustomerId(), 1, Integer::sum);
                }
            }
            assertThat(changes).hasSize(CUSTOMERS);
            assertThat(changes).allSatisfy((customer, list) -> assertThat(list).as(customer).containsExactlyInAnyOrderElementsOf(EXPECTED_CHANGES));
            assertThat(scored).hasSize(CUSTOMERS).allSatisfy((customer, n) -> assertThat(n).as(customer + ": one score per order").isEqualTo(3));
        }
    }

    private OrderPlaced order(String customerId) {
        return OrderPlaced.newBuilder().setCustomerId(customerId).setOrderId(ids.next().toString()).setLines(List.of())
                .setTotal(new BigDecimal("40.00")).build();
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
        TopicAdmin.ensure(settings, AnalyticsTopics.all());
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
