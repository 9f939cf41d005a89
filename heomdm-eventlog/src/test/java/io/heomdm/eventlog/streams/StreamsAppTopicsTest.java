package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** What a rebuild resets and deletes is named from the application's own topology. */
class StreamsAppTopicsTest {
    private static org.apache.kafka.streams.TopologyDescription topology() {
        var builder = new StreamsBuilder();
        builder.globalTable("catalog", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("catalog-store"));
        builder.stream("activity", Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((k, v) -> v, Grouped.with("by-value", Serdes.String(), Serdes.String()))
                .count(Materialized.as("counts"));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("unused"), Serdes.String(), Serdes.String()));
        return builder.build().describe();
    }

    @Test
    void theInputsAreTheGroupsTopicsNotTheGlobalStoresNorTheRepartitionTopics() {
        assertThat(StreamsApp.inputTopics(topology())).containsExactly("activity");
    }

    @Test
    void theInternalTopicsAreItsRepartitionTopicsAndItsStoresChangelogsUnderItsOwnIdOnly() {
        assertThat(StreamsApp.internalTopics("heomdm-analytics", topology()))
                .containsExactlyInAnyOrder("heomdm-analytics-by-value-repartition", "heomdm-analytics-counts-changelog")
                .noneMatch(t -> t.contains("catalog"));
    }
}
