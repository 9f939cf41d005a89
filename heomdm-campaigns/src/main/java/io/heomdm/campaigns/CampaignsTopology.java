package io.heomdm.campaigns;

import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.DefinitionsLoader;
import io.heomdm.eventlog.streams.StateSerde;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.JourneyDefined;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.TaskFailed;
import java.time.InstantSource;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The campaign service's Kafka Streams topology: the activity log, the segment entries (re-keyed
 * from segment/customerId to customerId; segment names hold no '/') and the bounced notifications
 * from the task outcomes (re-keyed by customer) and, with the price-drop alert on, applied price drops
 * fanned out to the product's recent viewers, and marketers' campaigns fanned out to their audience
 * (a list of customers, or a segment's members), into one journey processor keyed by customer; its gate
 * decisions to {@code campaigns.deliveries.v1}.
 */
public final class CampaignsTopology {
    public static final String CUSTOMER_STORE = "campaign-customers";
    public static final String TIMER_STORE = "campaign-timers";
    public static final String VIEWERS_STORE = "campaign-product-viewers";
    public static final String MEMBERS_STORE = "campaign-segment-members";
    /** id → JSON of the journeys defined through the API: a global store, the same on every instance. */
    public static final String DEFINITIONS_STORE = "campaign-journey-definitions";
    /** The segment changes' eventIds seen (the deduplication window). */
    public static final String SEGMENT_CHANGES_SEEN = "campaign-segment-changes-seen";

    private CampaignsTopology() {
    }

    public static Topology build(CampaignSettings settings) {
        return build(settings, new JourneyQuarantine(), Deduplicator.Window.DEFAULT, InstantSource.system());
    }

    /**
     * @param quarantine where the journeys that throw are held, read by {@code GET /v1/journeys}
     * @param clock      what "now" is for the journeys: when a run starts, when its delay is due (so a test moves time
     *                   instead of waiting for it); the timers are looked at every {@code tick} of the wall clock
     */
    public static Topology build(CampaignSettings settings, JourneyQuarantine quarantine, Deduplicator.Window window, InstantSource clock) {
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CUSTOMER_STORE), Serdes.String(),
                new StateSerde<>(CampaignCustomer.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMER_STORE), Serdes.String(),
                new StateSerde<>(JourneyProcessor.Timer.class)));
        // once per eventId like activity: a rebuilt analytics application writes the changes an event caused again, with the same ids
        var segments = Deduplicator.once(builder, builder.stream(SharedTopics.SEGMENTS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName("segments"))
                .filter((key, value) -> value != null, Named.as("segment-changes")), SEGMENT_CHANGES_SEEN, window)       // tombstones of erased customers
                .selectKey((key, value) -> key.substring(key.indexOf('/') + 1), Named.as("by-customer"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("segments-by-customer")
                        .withNumberOfPartitions(MarketTopics.ACTIVITY.partitions()));
        var bounces = builder.stream(MarketTopics.TASK_OUTCOMES.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("outcomes"))
                .process(() -> new Rekey(CampaignsTopology::bouncedCustomer), Named.as("bounces"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("bounces-by-customer")
                        .withNumberOfPartitions(MarketTopics.ACTIVITY.partitions()));
        var activity = Deduplicator.once(builder, builder.stream(MarketTopics.ACTIVITY.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                .withName("activity")), "campaign-events-seen", window);
        var facts = activity.merge(segments, Named.as("with-segments")).merge(bounces, Named.as("with-bounces"))
                .merge(campaignAudiences(builder), Named.as("with-campaigns"));
        if (settings.priceDrop() != null) {
            facts = facts.merge(priceDrops(builder, activity, settings.priceDrop()), Named.as("with-price-drops"));
        }
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEFINITIONS_STORE), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(), // a global store is restored from its own topic
                CampaignsTopics.JOURNEY_DEFINITIONS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("journey-definitions"),
                () -> new DefinitionsLoader<>(DEFINITIONS_STORE, JourneyDefined.class, JourneyDefined::getId, JourneyDefined::getDefinition));
        facts.process(() -> new JourneyProcessor(settings.journeys(), settings.gate(), settings.tick(), CUSTOMER_STORE, TIMER_STORE,
                        DEFINITIONS_STORE, quarantine, clock), Named.as("journeys"), CUSTOMER_STORE, TIMER_STORE)
                .to(CampaignsTopics.DELIVERIES.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("deliveries"));
        return builder.build();
    }

    /** A notification the server refused for good (a bounce), under its customer: the task's key. */
    private static List<String> bouncedCustomer(Event<SpecificRecord> event) {
        return event.payload() instanceof TaskFailed f && f.getTaskType().equals(EventCatalog.SEND_NOTIFICATION.name())
                && f.getTaskKey() != null && f.getError().startsWith(JourneyProcessor.BOUNCE) ? List.of(f.getTaskKey()) : List.of();
    }

    /**
     * Marketers' campaigns, one record per customer of the audience: a list fans out at once; a
     * segment goes to the members the segment's own partition knows (memberships re-keyed by segment).
     */
    private static KStream<String, byte[]> campaignAudiences(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS_STORE), Serdes.String(), Serdes.Long()));
        var campaigns = builder.stream(MarketTopics.CAMPAIGNS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("campaigns"));
        var listed = campaigns.process(() -> new Rekey(e -> e.payload() instanceof CampaignTriggered c
                ? c.getCustomerIds().stream().distinct().toList() : List.of()), Named.as("campaign-lists"));
        var bySegment = campaigns.process(() -> new Rekey(e -> e.payload() instanceof CampaignTriggered c && c.getAudienceSegment() != null
                ? List.of(c.getAudienceSegment()) : List.of()), Named.as("campaign-segments"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("campaigns-by-segment")
                        .withNumberOfPartitions(MarketTopics.ACTIVITY.partitions()));
        var memberships = builder.stream(SharedTopics.SEGMENTS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("memberships"))
                .filter((key, value) -> value != null, Named.as("membership-changes"))
                .selectKey((key, value) -> key.substring(0, key.indexOf('/')), Named.as("by-segment"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("segments-by-segment")
                        .withNumberOfPartitions(MarketTopics.ACTIVITY.partitions()));
        var members = memberships.merge(bySegment, Named.as("memberships-and-campaigns"))
                .process(() -> new SegmentMembers(MEMBERS_STORE), Named.as("segment-members"), MEMBERS_STORE);
        return listed.merge(members, Named.as("campaign-audiences"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("campaigns-by-customer")
                        .withNumberOfPartitions(MarketTopics.ACTIVITY.partitions()));
    }

    /** Views re-keyed by product beside the price changes; a drop fans out to the product's recent viewers, re-keyed by customer. */
    private static KStream<String, byte[]> priceDrops(StreamsBuilder builder, KStream<String, byte[]> activity, PriceDropSettings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VIEWERS_STORE), Serdes.String(), Serdes.Long()));
        var views = activity.process(() -> Rekey.withoutContext(e -> e.payload() instanceof ProductViewed v ? List.of(v.getProductId()) : List.of()),
                        Named.as("views"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("views-by-product")
                        .withNumberOfPartitions(DecisionsTopics.PRICES.partitions()));
        return builder.stream(DecisionsTopics.PRICES.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("prices"))
                .merge(views, Named.as("views-and-prices"))
                .process(() -> new PriceDropViewers(settings, VIEWERS_STORE), Named.as("price-drop-viewers"), VIEWERS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("price-drops-by-customer")
                        .withNumberOfPartitions(MarketTopics.ACTIVITY.partitions()));
    }
}
