package io.heomdm.decisions;

import io.heomdm.decisions.internal.CatalogLoader;
import io.heomdm.decisions.pricing.PriceTest;
import io.heomdm.decisions.pricing.PriceTestProcessor;
import io.heomdm.decisions.pricing.PricingProcessor;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.pricing.ProductPricing;
import io.heomdm.decisions.recommendations.CustomerTaste;
import io.heomdm.decisions.recommendations.ItemProcessor;
import io.heomdm.decisions.recommendations.ItemSignal;
import io.heomdm.decisions.recommendations.ItemStats;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.decisions.recommendations.TasteProcessor;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.StateSerde;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The decision services' Kafka Streams topology: the catalogue as a global store both read; pricing
 * keyed by product (demand windows, competitor prices and approvals, all partitioned alike); and
 * recommendations, customer-keyed (tastes, sessions) then re-keyed by item (co-occurrence, trend);
 * and price tests, customer-keyed (exposures, what exposed customers ordered).
 */
public final class DecisionsTopology {
    public static final String CATALOG_STORE = "decisions-catalog";
    public static final String PRICING_STORE = "pricing-products";
    public static final String TASTE_STORE = "recommendation-tastes";
    public static final String TOTALS_STORE = "recommendation-totals";
    public static final String ITEM_STORE = "recommendation-items";
    public static final String TEST_CUSTOMERS_STORE = "price-test-customers";
    public static final String TEST_TOTALS_STORE = "price-test-totals";

    private DecisionsTopology() {
    }

    public static Topology build(PricingSettings pricing, RecommendationSettings recommendations, List<PriceTest> tests) {
        return build(pricing, recommendations, tests, Deduplicator.Window.DEFAULT);
    }

    public static Topology build(PricingSettings pricing, RecommendationSettings recommendations, List<PriceTest> tests, Deduplicator.Window window) {
        var builder = new StreamsBuilder();
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CATALOG_STORE), Serdes.String(),
                        new StateSerde<>(CatalogEntry.class)).withLoggingDisabled(),
                MarketTopics.CATALOG.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("catalog"),
                () -> new CatalogLoader(CATALOG_STORE));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICING_STORE), Serdes.String(),
                new StateSerde<>(ProductPricing.class)));
        builder.stream(List.of(SharedTopics.DEMAND.name(), MarketTopics.COMPETITOR_PRICES.name(), DecisionsTopics.PRICE_APPROVALS.name()),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("pricing-inputs"))
                .process(() -> new PricingProcessor(pricing, PRICING_STORE, CATALOG_STORE), Named.as("pricing"), PRICING_STORE)
                .to(DecisionsTopics.PRICES.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("prices"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASTE_STORE), Serdes.String(),
                new StateSerde<>(CustomerTaste.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TOTALS_STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEM_STORE), Serdes.String(),
                new StateSerde<>(ItemStats.class)));
        var activity = Deduplicator.once(builder, builder.stream(MarketTopics.ACTIVITY.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                .withName("activity")), "decisions-events-seen", window);
        activity.process(() -> new TasteProcessor(recommendations, TASTE_STORE, TOTALS_STORE), Named.as("tastes"), TASTE_STORE, TOTALS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), new StateSerde<>(ItemSignal.class)).withName("by-item"))
                .process(() -> new ItemProcessor(recommendations, ITEM_STORE), Named.as("items"), ITEM_STORE)
                .to(DecisionsTopics.RECOMMENDATIONS.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("recommendations"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEST_CUSTOMERS_STORE), Serdes.String(),
                new StateSerde<>(PriceTestProcessor.TestCustomer.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEST_TOTALS_STORE), Serdes.String(),
                new StateSerde<>(PriceTestProcessor.ArmTotals.class)));
        activity.process(() -> new PriceTestProcessor(tests, TEST_CUSTOMERS_STORE, TEST_TOTALS_STORE, CATALOG_STORE), Named.as("price-tests"),
                TEST_CUSTOMERS_STORE, TEST_TOTALS_STORE);
        return builder.build();
    }
}
