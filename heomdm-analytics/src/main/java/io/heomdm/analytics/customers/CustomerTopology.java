package io.heomdm.analytics.customers;

import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.DefinitionsLoader;
import io.heomdm.eventlog.streams.StateSerde;
import io.heomdm.analytics.scores.CustomerScores;
import io.heomdm.analytics.scores.ScoringNorms;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.schema.SegmentDefined;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The customer topology: {@code market.activity.v1} in, {@code analytics.segments.v1} and
 * {@code analytics.scores.v1} out, profiles in a RocksDB store (changelogged). Built by a plain
 * function, so tests drive it with {@code TopologyTestDriver} and the application runs the same.
 */
public final class CustomerTopology {
    public static final String CUSTOMERS_STORE = "customers";
    static final String NORMS_STORE = "scoring-norms";
    /** segment/customerId → when they entered: a segment's members are a range of keys, for paging. */
    public static final String MEMBERS_STORE = "segment-members";
    /** name → rule JSON of the segments defined through the API: a global store, the same on every instance. */
    public static final String DEFINITIONS_STORE = "segment-definitions";
    static final String SEGMENTS_SINK = "segments";
    static final String SCORES_SINK = "scores";

    /** The eventIds seen in the last week: a client's retry counts once. */
    static final String DEDUP_STORE = "customer-events-seen";

    private CustomerTopology() {
    }

    public static Topology build(CustomerAnalyticsSettings settings, SegmentCatalog catalog) {
        return build(settings, catalog, Deduplicator.Window.DEFAULT);
    }

    public static Topology build(CustomerAnalyticsSettings settings, SegmentCatalog catalog, Deduplicator.Window window) {
        for (String name : catalog.names()) {
            if (CustomerScores.RFM_SEGMENTS.contains(name)) {
                throw new IllegalArgumentException("segments." + name + ": the name is an RFM segment's; choose another");
            }
        }
        var topology = new Topology();
        topology.addSource("activity", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), MarketTopics.ACTIVITY.name());
        String events = "activity";
        if (!window.off()) {
            topology.addProcessor("deduplicate", () -> new Deduplicator(DEDUP_STORE, window.retention()), events);
            topology.addStateStore(Deduplicator.store(DEDUP_STORE, window.retention()), "deduplicate");
            events = "deduplicate";
        }
        topology.addProcessor("customers", () -> new CustomerProcessor(settings, catalog), events);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CUSTOMERS_STORE), Serdes.String(),
                new StateSerde<>(CustomerState.class)), "customers");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NORMS_STORE), Serdes.String(),
                new StateSerde<>(ScoringNorms.class)), "customers");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS_STORE), Serdes.String(), Serdes.Long()),
                "customers");
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEFINITIONS_STORE), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(), // a global store is restored from its own topic
                "definitions", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), AnalyticsTopics.SEGMENT_DEFINITIONS.name(),
                "definitions-loader",
                () -> new DefinitionsLoader<>(DEFINITIONS_STORE, SegmentDefined.class, SegmentDefined::getName, SegmentDefined::getRule));
        topology.addSink(SEGMENTS_SINK, AnalyticsTopics.SEGMENTS.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer(), "customers");
        topology.addSink(SCORES_SINK, AnalyticsTopics.SCORES.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer(), "customers");
        return topology;
    }
}
