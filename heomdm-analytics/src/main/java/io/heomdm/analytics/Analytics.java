package io.heomdm.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.customers.CustomerState;
import io.heomdm.analytics.customers.CustomerTopology;
import io.heomdm.analytics.demand.DemandForecast;
import io.heomdm.analytics.demand.DemandSettings;
import io.heomdm.analytics.demand.DemandTopology;
import io.heomdm.analytics.demand.ProductTouch;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.Deletion;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.analytics.scores.CustomerScores;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.analytics.segments.SegmentDefinitions;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.Violation;
import io.heomdm.events.schema.SegmentDefined;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The analytics layer running: customer analytics (profiles, segments, scores) and product demand,
 * as two Kafka Streams applications. Two, not one, because they key the same input differently
 * (customer, product) and fall behind independently: demand's repartition and windows do not hold
 * up segments, and each has its own consumer lag to watch.
 */
public final class Analytics implements AutoCloseable {
    public static final String CUSTOMERS_APPLICATION_ID = "heomdm-analytics";
    public static final String DEMAND_APPLICATION_ID = "heomdm-analytics-demand";
    private final StreamsApp customers;
    private final StreamsApp demand;
    private final SegmentCatalog catalog;
    private final DemandSettings demandSettings;
    private final InstantSource clock;
    private final EventIds ids;
    private final KafkaEventPublisher publisher;

    private Analytics(StreamsApp customers, StreamsApp demand, SegmentCatalog catalog, DemandSettings demandSettings, InstantSource clock,
            EventIds ids, KafkaEventPublisher publisher) {
        this.customers = customers;
        this.demand = demand;
        this.catalog = catalog;
        this.demandSettings = demandSettings;
        this.clock = clock;
        this.ids = ids;
        this.publisher = publisher;
    }

    /** Creates the output topics if missing, starts both applications side by side and waits until both run. */
    public static Analytics start(KafkaSettings kafka, Path stateDir, int threads, CustomerAnalyticsSettings customerSettings,
            SegmentCatalog catalog, DemandSettings demandSettings, Deduplicator.Window window, Duration startTimeout, InstantSource clock,
            RandomGenerator random) {
        TopicAdmin.ensure(kafka, AnalyticsTopics.all());
        var customers = CompletableFuture.supplyAsync(() -> StreamsApp.start(CUSTOMERS_APPLICATION_ID,
                () -> CustomerTopology.build(customerSettings, catalog, window), kafka, stateDir, threads, startTimeout));
        var demand = CompletableFuture.supplyAsync(() -> StreamsApp.start(DEMAND_APPLICATION_ID,
                () -> DemandTopology.build(demandSettings, window), kafka, stateDir, threads, startTimeout));
        CompletableFuture.allOf(customers, demand).exceptionally(e -> null).join();
        if (customers.isCompletedExceptionally() || demand.isCompletedExceptionally()) {
            for (var app : List.of(customers, demand)) {
                if (!app.isCompletedExceptionally()) {
                    app.join().close();
                }
            }
            Throwable cause = (customers.isCompletedExceptionally() ? customers : demand).handle((v, e) -> e).join();
            throw new IllegalStateException("analytics did not start: " + cause.getMessage(), cause);
        }
        return new Analytics(customers.join(), demand.join(), catalog, demandSettings, clock, new EventIds(clock, random),
                new KafkaEventPublisher(kafka, "heomdm-analytics-definitions"));
    }

    // Queries read this instance's own copies of the stores (Kafka Streams interactive queries): with several
    // instances, each keeps a standby copy of the others' partitions (StreamsApp.store). When its copies cannot
    // answer alone (a rebalance, a copy being restored) they throw InvalidStateStoreException: the caller answers 503.

    public Optional<CustomerView> customer(String customerId) {
        ReadOnlyKeyValueStore<String, CustomerState> store = store(customers, CustomerTopology.CUSTOMERS_STORE, QueryableStoreTypes.keyValueStore());
        return Optional.ofNullable(store.get(customerId)).map(s -> CustomerView.of(s, clock.instant()));
    }

    /** Every segment: the rule-based ones (from configuration, then defined through the API), then the named RFM segments. */
    public Map<String, String> segments() {
        Map<String, String> all = new LinkedHashMap<>();
        catalog.names().stream().sorted().forEach(n -> all.put(n, "rule"));
        defined().keySet().forEach(n -> all.putIfAbsent(n, "rule"));
        CustomerScores.RFM_SEGMENTS.stream().sorted().forEach(n -> all.put(n, "rfm"));
        return all;
    }

    /**
     * Defines (or defines again) a segment: checked against every other segment, then written to
     * the definitions topic, from which every instance's topology takes it within seconds; its
     * members fill in on their next event or the next sweep. The violations, empty when written.
     */
    public List<Violation> defineSegment(String name, JsonNode rule) {
        List<Violation> violations = SegmentDefinitions.check(name, rule, catalog, defined(), CustomerScores.RFM_SEGMENTS);
        if (violations.isEmpty()) {
            var type = EventCatalog.SEGMENT_DEFINED;
            var envelope = new Envelope(ids.next(), type.name(), type.version(), name, clock.instant(), null, null, null);
            publisher.publish(AnalyticsTopics.SEGMENT_DEFINITIONS, new Event<>(envelope, new SegmentDefined(name, rule.toString()))).join();
        }
        return violations;
    }

    /** The segments whose rule threw when evaluated here, and why; see {@link SegmentCatalog#evaluate}. */
    public Map<String, String> quarantined() {
        Map<String, String> out = new TreeMap<>();
        catalog.quarantined().forEach((name, q) -> out.put(name, q.error()));
        return out;
    }

    /**
     * Deletes a segment defined through the API (a tombstone on the definitions topic); its members
     * leave it at their next event or sweep. One from configuration is changed there, not here.
     */
    public Deletion deleteSegment(String name) {
        if (catalog.names().contains(name) || CustomerScores.RFM_SEGMENTS.contains(name)) {
            return Deletion.CONFIGURED;
        }
        if (!defined().containsKey(name)) {
            return Deletion.NOT_FOUND;
        }
        publisher.delete(AnalyticsTopics.SEGMENT_DEFINITIONS, name).join();
        return Deletion.DELETED;
    }

    /** Records the two applications dead-lettered since they started. */
    public long deadLettered() {
        return customers.deadLettered() + demand.deadLettered();
    }

    private Map<String, String> defined() {
        ReadOnlyKeyValueStore<String, String> store = store(customers, CustomerTopology.DEFINITIONS_STORE, QueryableStoreTypes.keyValueStore());
        Map<String, String> all = new TreeMap<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
        return all;
    }

    /** Up to {@code limit} members of {@code segment} after the customerId {@code after}; empty when there is no such segment. */
    public Optional<MemberPage> members(String segment, Optional<String> after, int limit) {
        if (!segments().containsKey(segment)) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<String, Long> store = store(customers, CustomerTopology.MEMBERS_STORE, QueryableStoreTypes.keyValueStore());
        String prefix = segment + "/";
        // keys are segment/customerId; '0' is the character after '/', so [prefix, segment + "0") is exactly the segment
        String from = after.map(a -> prefix + a + "\0").orElse(prefix);
        List<String> ids = new ArrayList<>();
        boolean more = false;
        try (var range = store.range(from, segment + "0")) {
            while (range.hasNext()) {
                String id = range.next().key.substring(prefix.length());
                if (ids.size() == limit) {
                    more = true;
                    break;
                }
                ids.add(id);
            }
        }
        return Optional.of(new MemberPage(segment, ids, more ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty()));
    }

    public Optional<DemandView> demand(String productId) {
        ReadOnlyWindowStore<String, ProductTouch> windows = store(demand, DemandTopology.WINDOWS_STORE, QueryableStoreTypes.windowStore());
        ReadOnlyKeyValueStore<String, DemandForecast> forecasts = store(demand, DemandTopology.FORECAST_STORE, QueryableStoreTypes.keyValueStore());
        // the store holds panes as long as the windows' advance; a window is the sum of the panes it spans
        long size = demandSettings.window().toMillis();
        long advance = demandSettings.advance().toMillis();
        long now = clock.millis();
        long from = now - size - demandSettings.grace().toMillis(); // the windows still open or within their grace period
        Map<Long, ProductTouch> byStart = new TreeMap<>();
        try (var it = windows.fetch(productId, Instant.ofEpochMilli(from), Instant.ofEpochMilli(now))) {
            while (it.hasNext()) {
                var pane = it.next();
                for (long start = pane.key - size + advance; start <= pane.key; start += advance) {
                    if (start > from) {
                        byStart.merge(start, pane.value, ProductTouch::plus);
                    }
                }
            }
        }
        List<DemandView.Window> held = new ArrayList<>();
        byStart.forEach((start, t) -> held.add(new DemandView.Window(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + size),
                t.views(), t.cartAdds(), t.orders(), t.units(), t.revenue())));
        Optional<DemandView.Forecast> forecast = Optional.ofNullable(forecasts.get(productId))
                .map(f -> new DemandView.Forecast(Instant.ofEpochMilli(f.lastWindowStart()), f.next(demandSettings), f.seasonal()));
        return held.isEmpty() && forecast.isEmpty() ? Optional.empty() : Optional.of(new DemandView(productId, held, forecast));
    }

    private static <T> T store(StreamsApp app, String name, QueryableStoreType<T> type) {
        return app.store(StoreQueryParameters.fromNameAndType(name, type));
    }

    /** Its Kafka Streams applications, for what is done to one as a whole (a rebuild from the log). */
    public List<StreamsApp> applications() {
        return List.of(customers, demand);
    }

    public boolean isRunning() {
        return customers.isRunning() && demand.isRunning();
    }

    @Override
    public void close() {
        publisher.close();
        CompletableFuture.allOf(CompletableFuture.runAsync(customers::close), CompletableFuture.runAsync(demand::close)).join();
    }
}
