package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.events.EventCatalog;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class DataflowTest {
    /** Reads activity, regroups it (an internal repartition topic) and writes the campaigns topic. */
    private static org.apache.kafka.streams.TopologyDescription topology() {
        var builder = new StreamsBuilder();
        builder.stream(MarketTopics.ACTIVITY.name(), Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((k, v) -> v, Grouped.with("by-value", Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .mapValues(String::valueOf)
                .to(MarketTopics.CAMPAIGNS.name(), Produced.with(Serdes.String(), Serdes.String()));
        return builder.build().describe();
    }

    @Test
    void aDeclarationThatMatchesTheTopologyHasNoMismatchAndInternalTopicsAreNotFlows() {
        var flow = Dataflow.of("app", "test").reads(MarketTopics.ACTIVITY, EventCatalog.ORDER_PLACED)
                .writes(MarketTopics.CAMPAIGNS, EventCatalog.CAMPAIGN_TRIGGERED).build();
        assertThat(flow.mismatches(topology())).isEmpty();
    }

    @Test
    void anUndeclaredTopicAndADeclaredOneTheTopologyDoesNotTouchAreBothNamed() {
        var flow = Dataflow.of("app", "test").reads(MarketTopics.ACTIVITY, EventCatalog.ORDER_PLACED)
                .writes(MarketTopics.CATALOG, EventCatalog.PRODUCT_CATALOGUED).build();
        assertThat(flow.mismatches(topology())).containsExactlyInAnyOrder(
                "app writes market.campaigns.v1 but does not declare it",
                "app declares it writes market.catalog.v1 but its topology does not");
    }

    @Test
    void aTypeCanOnlyBeDeclaredOnATopicThatCarriesIt() {
        assertThatThrownBy(() -> Dataflow.of("app", "test").reads(MarketTopics.ACTIVITY, EventCatalog.PRODUCT_CATALOGUED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("market.activity.v1 does not carry ProductCatalogued");
    }
}
