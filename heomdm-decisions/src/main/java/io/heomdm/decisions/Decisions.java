package io.heomdm.decisions;

import io.heomdm.decisions.pricing.Elasticity;
import io.heomdm.decisions.pricing.PriceDecision;
import io.heomdm.decisions.pricing.PriceTest;
import io.heomdm.decisions.pricing.PriceTestProcessor;
import io.heomdm.decisions.pricing.PriceTestResult;
import io.heomdm.decisions.pricing.PricingEngine;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.pricing.ProductPricing;
import io.heomdm.decisions.recommendations.CustomerTaste;
import io.heomdm.decisions.recommendations.ItemStats;
import io.heomdm.decisions.recommendations.RecommendationData;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.decisions.recommendations.Recommender;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.PriceApproved;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The decision services running: pricing and recommendations as one Kafka Streams application
 * ({@code heomdm-decisions}), and the queries the API asks of them. One application, not two,
 * because both read the catalogue as a global store and neither is heavy enough to lag the other.
 */
public final class Decisions implements AutoCloseable {
    public static final String APPLICATION_ID = "heomdm-decisions";
    private static final Duration APPROVAL_WAIT = Duration.ofSeconds(5);
    /** Arms are judged once each has this many exposed customers. */
    static final long MIN_EXPOSED = 100;
    private final StreamsApp app;
    private final PricingSettings pricing;
    private final List<PriceTest> tests;
    private final Recommender recommender;
    private final InstantSource clock;
    private final EventIds ids;
    private final KafkaEventPublisher publisher;

    private Decisions(StreamsApp app, PricingSettings pricing, RecommendationSettings recommendations, List<PriceTest> tests, InstantSource clock,
            RandomGenerator random, KafkaEventPublisher publisher) {
        this.app = app;
        this.pricing = pricing;
        this.tests = List.copyOf(tests);
        this.clock = clock;
        this.ids = new EventIds(clock, random);
        this.publisher = publisher;
        this.recommender = new Recommender(recommendations, new StoreData(), clock, random);
    }

    /** Creates the topics it reads and writes if missing (the demand topic too: analytics may be off), starts the application and waits until it runs. */
    public static Decisions start(KafkaSettings kafka, Path stateDir, int threads, PricingSettings pricing, RecommendationSettings recommendations,
            List<PriceTest> tests, Deduplicator.Window window, Duration startTimeout, InstantSource clock, RandomGenerator random) {
        List<TopicSpec> topics = new ArrayList<>(DecisionsTopics.all());
        topics.add(SharedTopics.DEMAND);
        TopicAdmin.ensure(kafka, topics);
        var app = StreamsApp.start(APPLICATION_ID, () -> DecisionsTopology.build(pricing, recommendations, tests, window), kafka, stateDir, threads, startTimeout);
        return new Decisions(app, pricing, recommendations, tests, clock, random, new KafkaEventPublisher(kafka, "heomdm-decisions-approvals"));
    }

    /** Its Kafka Streams applications, for what is done to one as a whole (a rebuild from the log). */
    public List<StreamsApp> applications() {
        return List.of(app);
    }

    public boolean isRunning() {
        return app.isRunning();
    }

    /** Records dead-lettered since the application started. */
    public long deadLettered() {
        return app.deadLettered();
    }

    // Queries read this instance's own copies of the stores, as analytics' do (StreamsApp.store); when they
    // cannot answer alone they throw InvalidStateStoreException, which the API answers 503.

    /**
     * A product's price, mode, pending recommendation, latest decisions with their trails, elasticity
     * and what each level has shown; for a customer in a running price test, the price is their arm's.
     */
    public Optional<PriceView> price(String productId, Optional<String> customerId) {
        return Optional.ofNullable(store(DecisionsTopology.PRICING_STORE, ProductPricing.class).get(productId))
                .map(s -> customerId.flatMap(c -> armOf(productId, c)).map(arm -> view(s).forCustomer(arm)).orElseGet(() -> view(s)));
    }

    private Optional<PriceView.Arm> armOf(String productId, String customerId) {
        Instant now = clock.instant();
        var customer = store(DecisionsTopology.TEST_CUSTOMERS_STORE, PriceTestProcessor.TestCustomer.class).get(customerId);
        return tests.stream().filter(t -> t.productId().equals(productId) && !now.isBefore(t.startsAt()))
                .filter(t -> customer != null && customer.exposures().containsKey(t.testId()) || t.includes(customer == null ? null : customer.firstSeen()))
                .findFirst().map(t -> new PriceView.Arm(customerId, t.testId(), t.arm(customerId), t.prices().get(t.arm(customerId))));
    }

    /** A price test's arms with what their exposed customers did; empty for a test not in the configuration. */
    public Optional<PriceTestResult> priceTest(String testId) {
        return tests.stream().filter(t -> t.testId().equals(testId)).findFirst().map(t -> {
            Map<Integer, PriceTestProcessor.ArmTotals> totals = new java.util.HashMap<>();
            // keys are test/arm/partition; '0' follows '/', so [test/, test0) is exactly this test's
            try (Stream<KeyValue<String, PriceTestProcessor.ArmTotals>> all =
                    stream(store(DecisionsTopology.TEST_TOTALS_STORE, PriceTestProcessor.ArmTotals.class).range(testId + "/", testId + "0"))) {
                all.forEach(kv -> totals.merge(Integer.parseInt(kv.key.split("/")[1]), kv.value, PriceTestProcessor.ArmTotals::plus));
            }
            return PriceTestResult.judge(t, totals, MIN_EXPOSED);
        });
    }

    private PriceView view(ProductPricing s) {
        Optional<CatalogEntry> product = Optional.ofNullable(store(DecisionsTopology.CATALOG_STORE, CatalogEntry.class).get(s.productId()));
        var engine = new PricingEngine(pricing);
        Optional<Elasticity.Estimate> slope = s.elasticity().estimate(pricing.minDistinctPrices());
        var posteriors = engine.posteriors(s.ladder(), s.evidence(), slope);
        List<PriceView.Level> ladder = new ArrayList<>();
        for (int i = 0; i < s.ladder().size(); i++) {
            ladder.add(new PriceView.Level(s.ladder().get(i), posteriors.get(i).mean(), s.evidence().get(i).windows()));
        }
        return new PriceView(s.productId(), s.currentPrice(), s.currency(), s.priceSince(), s.lastChange(),
                pricing.modeOf(s.productId(), product.map(CatalogEntry::category).orElse(null)).name().toLowerCase(java.util.Locale.ROOT),
                s.pending(), s.decisions(), slope.map(e -> new PriceView.ElasticityView(e.slope(), e.standardError(), e.windows(),
                        s.elasticity().distinctPrices())).orElse(null), ladder, s.cycles(), null);
    }

    /**
     * @param price     the product's price when answered
     * @param ladder    each level with its posterior mean demand per window and the (discounted) windows seen at it
     * @param cycles    demand windows the engine has decided on
     * @param test      the price test arm the customer asked for sees, whose price is then {@code price}
     */
    public record PriceView(String productId, BigDecimal price, String currency, Instant since, Instant lastChange, String mode,
            PriceDecision pending, List<PriceDecision> decisions, ElasticityView elasticity, List<Level> ladder, long cycles, Arm test) {

        PriceView forCustomer(Arm arm) {
            return new PriceView(productId, arm.price(), currency, since, lastChange, mode, pending, decisions, elasticity, ladder, cycles, arm);
        }

        public record Arm(String customerId, String testId, int arm, BigDecimal price) {
        }

        public record Level(BigDecimal price, double expectedUnits, double windows) {
        }

        public record ElasticityView(double slope, double standardError, double windows, int distinctPrices) {
        }
    }

    /** What became of an approval. */
    public sealed interface Approval {
        /** The product has no pricing state (never priced, or unknown). */
        record UnknownProduct(String productId) implements Approval {
        }

        /** Nothing is pending, or another decision is: {@code pending} is it, if any. */
        record NotPending(String productId, PriceDecision pending) implements Approval {
        }

        /** Applied: the price is now the approved one. */
        record Applied(PriceView price) implements Approval {
        }

        /** Written, but not applied within the wait (the service is busy or rebalancing). */
        record Queued(PriceDecision decision) implements Approval {
        }
    }

    /**
     * Approves the pending recommendation ({@code decisionId} null: whichever is pending) by writing
     * {@code PriceApproved}, which the engine applies in order with the product's other inputs; waits
     * up to five seconds to answer with the applied price.
     */
    public Approval approve(String productId, String decisionId, String approvedBy) {
        ProductPricing state = store(DecisionsTopology.PRICING_STORE, ProductPricing.class).get(productId);
        if (state == null) {
            return new Approval.UnknownProduct(productId);
        }
        PriceDecision pending = state.pending();
        if (pending == null || (decisionId != null && !pending.decisionId().equals(decisionId))) {
            return new Approval.NotPending(productId, pending);
        }
        var type = EventCatalog.PRICE_APPROVED;
        var envelope = new Envelope(ids.next(), type.name(), type.version(), productId, clock.instant(), pending.decisionId(), null, null);
        publisher.publish(DecisionsTopics.PRICE_APPROVALS, new Event<>(envelope, new PriceApproved(productId, pending.decisionId(), approvedBy))).join();
        long deadline = System.nanoTime() + APPROVAL_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ProductPricing now = store(DecisionsTopology.PRICING_STORE, ProductPricing.class).get(productId);
            if (now != null && !now.decisions().isEmpty() && now.decisions().get(0).decisionId().equals(pending.decisionId())
                    && now.decisions().get(0).applied()) {
                return new Approval.Applied(view(now));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Approval.Queued(pending);
    }

    public List<Recommender.Recommendation> recommendations(String customerId, int n, Optional<String> category) {
        return recommender.forCustomer(customerId, n, category);
    }

    /** Empty when the product is not in the catalogue. */
    public Optional<List<Recommender.Related>> related(String productId, String kind, int n) {
        if (store(DecisionsTopology.CATALOG_STORE, CatalogEntry.class).get(productId) == null) {
            return Optional.empty();
        }
        return Optional.of(recommender.related(productId, kind, n));
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Class<V> type) {
        return app.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    private static <V> Stream<KeyValue<String, V>> stream(KeyValueIterator<String, V> it) {
        return StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(it, 0), false).onClose(it::close);
    }

    /** The recommender's view of the local stores. */
    private final class StoreData implements RecommendationData {
        @Override
        public Optional<CustomerTaste> taste(String customerId) {
            return Optional.ofNullable(store(DecisionsTopology.TASTE_STORE, CustomerTaste.class).get(customerId));
        }

        @Override
        public Optional<ItemStats> item(String productId) {
            return Optional.ofNullable(store(DecisionsTopology.ITEM_STORE, ItemStats.class).get(productId));
        }

        @Override
        public Stream<Map.Entry<String, ItemStats>> items() {
            return stream(store(DecisionsTopology.ITEM_STORE, ItemStats.class).all()).map(kv -> Map.entry(kv.key, kv.value));
        }

        @Override
        public Optional<CatalogEntry> product(String productId) {
            return Optional.ofNullable(store(DecisionsTopology.CATALOG_STORE, CatalogEntry.class).get(productId));
        }

        @Override
        public Stream<CatalogEntry> catalog() {
            return stream(store(DecisionsTopology.CATALOG_STORE, CatalogEntry.class).all()).map(kv -> kv.value);
        }

        @Override
        public long baskets(String kind) {
            // one counter per partition, keyed kind/partition: '0' follows '/', so [kind/, kind0) is exactly this kind's
            try (Stream<KeyValue<String, Long>> counts = stream(store(DecisionsTopology.TOTALS_STORE, Long.class).range(kind + "/", kind + "0"))) {
                return counts.mapToLong(kv -> kv.value).sum();
            }
        }
    }

    @Override
    public void close() {
        app.close();
        publisher.close();
    }
}
