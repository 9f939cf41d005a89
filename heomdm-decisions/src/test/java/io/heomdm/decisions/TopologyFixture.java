package io.heomdm.decisions;

import io.heomdm.decisions.pricing.PriceTest;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.recommendations.CustomerTaste;
import io.heomdm.decisions.recommendations.ItemStats;
import io.heomdm.decisions.recommendations.RecommendationData;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.streams.TopologyRecords;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.ProductCatalogued;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The decisions topology in a {@link TopologyTestDriver}, with helpers to feed it events and read its stores. */
public final class TopologyFixture implements AutoCloseable {
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, byte[]> catalog;
    public final TestInputTopic<String, byte[]> activity;
    public final TestInputTopic<String, byte[]> demand;
    public final TestInputTopic<String, byte[]> competitors;
    public final TestInputTopic<String, byte[]> approvals;
    public final TestOutputTopic<String, byte[]> prices;
    public final TestOutputTopic<String, byte[]> recommendations;

    public TopologyFixture(Path stateDir, PricingSettings pricing, RecommendationSettings settings) {
        this(stateDir, pricing, settings, List.of());
    }

    public TopologyFixture(Path stateDir, PricingSettings pricing, RecommendationSettings settings, List<PriceTest> tests) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "decisions-test");
        io.heomdm.eventlog.streams.StreamsApp.isolateFailures(props, "decisions-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DecisionsTopology.build(pricing, settings, tests), props);
        var keys = Serdes.String().serializer();
        var values = Serdes.ByteArray().serializer();
        catalog = driver.createInputTopic(MarketTopics.CATALOG.name(), keys, values);
        activity = driver.createInputTopic(MarketTopics.ACTIVITY.name(), keys, values);
        demand = driver.createInputTopic(SharedTopics.DEMAND.name(), keys, values);
        competitors = driver.createInputTopic(MarketTopics.COMPETITOR_PRICES.name(), keys, values);
        approvals = driver.createInputTopic(DecisionsTopics.PRICE_APPROVALS.name(), keys, values);
        prices = driver.createOutputTopic(DecisionsTopics.PRICES.name(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        recommendations = driver.createOutputTopic(DecisionsTopics.RECOMMENDATIONS.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    public void product(String id, String category, String price, String floor, String ceiling, String cost, int stock, boolean hidden, Instant at) {
        TopologyRecords.send(catalog, id, ProductCatalogued.newBuilder().setProductId(id).setName(id).setCategory(category).setPrice(new BigDecimal(price))
                .setFloor(new BigDecimal(floor)).setCeiling(new BigDecimal(ceiling)).setCost(new BigDecimal(cost)).setStock(stock).setHidden(hidden)
                .build(), at);
    }

    public <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** The recommender's view of the driver's stores. */
    public RecommendationData data() {
        return new RecommendationData() {
            @Override
            public Optional<CustomerTaste> taste(String customerId) {
                return Optional.ofNullable(TopologyFixture.this.<CustomerTaste>store(DecisionsTopology.TASTE_STORE).get(customerId));
            }

            @Override
            public Optional<ItemStats> item(String productId) {
                return Optional.ofNullable(TopologyFixture.this.<ItemStats>store(DecisionsTopology.ITEM_STORE).get(productId));
            }

            @Override
            public Stream<Map.Entry<String, ItemStats>> items() {
                List<Map.Entry<String, ItemStats>> all = new ArrayList<>();
                try (var it = TopologyFixture.this.<ItemStats>store(DecisionsTopology.ITEM_STORE).all()) {
                    it.forEachRemaining(kv -> all.add(Map.entry(kv.key, kv.value)));
                }
                return all.stream();
            }

            @Override
            public Optional<CatalogEntry> product(String productId) {
                return Optional.ofNullable(TopologyFixture.this.<CatalogEntry>store(DecisionsTopology.CATALOG_STORE).get(productId));
            }

            @Override
            public Stream<CatalogEntry> catalog() {
                List<CatalogEntry> all = new ArrayList<>();
                try (var it = TopologyFixture.this.<CatalogEntry>store(DecisionsTopology.CATALOG_STORE).all()) {
                    it.forEachRemaining(kv -> all.add(kv.value));
                }
                return all.stream();
            }

            @Override
            public long baskets(String kind) {
                long n = 0;
                try (var it = TopologyFixture.this.<Long>store(DecisionsTopology.TOTALS_STORE).range(kind + "/", kind + "0")) {
                    while (it.hasNext()) {
                        n += it.next().value;
                    }
                }
                return n;
            }
        };
    }

    @Override
    public void close() {
        driver.close();
    }
}
