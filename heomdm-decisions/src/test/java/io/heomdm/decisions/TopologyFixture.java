package io.heomdm.decisions;

import io.heomdm.decisions.pricing.PriceTest;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.recommendations.CustomerTaste;
import io.heomdm.decisions.recommendations.ItemStats;
import io.heomdm.decisions.recommendations.RecommendationData;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.events.schema.ProductCatalogued;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

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
        var props = TopologyTests.properties("decisions-test", stateDir);
        driver = new TopologyTestDriver(DecisionsTopology.build(pricing, settings, tests), props);
        catalog = TopologyTests.input(driver, MarketTopics.CATALOG);
        activity = TopologyTests.input(driver, MarketTopics.ACTIVITY);
        demand = TopologyTests.input(driver, SharedTopics.DEMAND);
        competitors = TopologyTests.input(driver, MarketTopics.COMPETITOR_PRICES);
        approvals = TopologyTests.input(driver, DecisionsTopics.PRICE_APPROVALS);
        prices = TopologyTests.output(driver, DecisionsTopics.PRICES);
        recommendations = TopologyTests.output(driver, DecisionsTopics.RECOMMENDATIONS);
    }

    public void product(String id, String category, String price, String floor, String ceiling, String cost, int stock, boolean hidden, Instant at) {
        TopologyTests.send(catalog, id, ProductCatalogued.newBuilder().setProductId(id).setName(id).setCategory(category).setPrice(new BigDecimal(price))
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
