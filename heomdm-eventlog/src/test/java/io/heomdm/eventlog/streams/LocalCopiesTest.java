package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.junit.jupiter.api.Test;

class LocalCopiesTest {
    @Test
    void copiesOfEveryPartitionWithinTheLagAnswer() {
        assertThat(LocalCopies.problem("customers", 3, Set.of(0, 1, 2), Map.of(0, 0L, 1, 12L, 2, LocalCopies.MAX_LAG))).isEmpty();
        // a partition whose lag is not known yet (the first look at the brokers has not answered) is taken as current
        assertThat(LocalCopies.problem("customers", 2, Set.of(0, 1), Map.of())).isEmpty();
    }

    @Test
    void aMissingPartitionIsRefusedNamingTheSetting() {
        assertThat(LocalCopies.problem("customers", 12, Set.of(0, 1, 2, 3, 4, 5), Map.of())).get().asString()
                .startsWith("this instance holds 6 of the 12 partitions of customers").contains("kafka.standbyReplicas");
    }

    @Test
    void aCopyBeingRestoredIsRefusedWithHowFarBehindItIs() {
        assertThat(LocalCopies.problem("customers", 2, Set.of(0, 1), Map.of(0, 0L, 1, 52_000L))).get().asString()
                .isEqualTo("this instance's copy of customers is 52000 records behind (being restored); retry shortly");
        // the lag of a partition no longer held (moved away since the lags were asked) does not count
        assertThat(LocalCopies.problem("customers", 1, Set.of(0), Map.of(0, 3L, 1, 52_000L))).isEmpty();
    }

    @Test
    void eachStoreIsPlacedInItsSubtopologyWithItsChangelogsPartitions() {
        var builder = new StreamsBuilder();
        builder.stream("views", Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(Materialized.as("views-per-customer"));
        builder.stream("orders", Consumed.with(Serdes.String(), Serdes.String())).selectKey((k, v) -> v)
                .repartition(Repartitioned.as("by-product")).groupByKey().count(Materialized.as("orders-per-product"));
        var description = builder.build().describe();
        var layouts = LocalCopies.layouts("app", description, Map.of("app-views-per-customer-changelog", 12, "app-orders-per-product-changelog", 4)::get);
        assertThat(layouts).containsOnlyKeys("views-per-customer", "orders-per-product");
        assertThat(layouts.get("views-per-customer").partitions()).isEqualTo(12);
        assertThat(layouts.get("orders-per-product").partitions()).isEqualTo(4);
        assertThat(layouts.get("views-per-customer").subtopology()).isNotEqualTo(layouts.get("orders-per-product").subtopology());
    }
}
