package io.heomdm.decisions.recommendations;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.decisions.DecisionsTopology;
import io.heomdm.decisions.TopologyFixture;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.RecommendationsUpdated;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommendationTopologyTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    /** No exploration, so that what is asserted is the ranking and the fallback chain. */
    static final RecommendationSettings SETTINGS = new RecommendationSettings(25, 100, 20, Duration.ofDays(14), Duration.ofDays(1), 1, 3, 5,
            RecommendationSettings.Score.JACCARD, 0, 50, 200);

    @TempDir
    Path stateDir;
    TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture(stateDir, PricingSettings.defaults(), SETTINGS);
        for (String p : List.of("A", "B", "C", "D")) {
            fx.product(p, "kitchen", "10", "5", "20", "2", 10, false, T0);
        }
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void theTopologyReadsAndWritesWhatItsDataflowDeclares() {
        var topology = io.heomdm.decisions.DecisionsTopology.build(PricingSettings.defaults(), SETTINGS, List.of()).describe();
        assertThat(io.heomdm.decisions.DecisionsDataflows.DECISIONS.mismatches(topology)).isEmpty();
    }

    void order(String customer, Instant at, String... products) {
        var lines = Arrays.stream(products).map(p -> new OrderLine(p, 1, BigDecimal.TEN)).toList();
        TopologyTests.send(fx.activity, customer, OrderPlaced.newBuilder().setCustomerId(customer).setOrderId(UUID.randomUUID().toString())
                .setLines(lines).setTotal(BigDecimal.TEN).build(), at);
    }

    void view(String customer, String session, String product, Instant at) {
        TopologyTests.send(fx.activity, customer, ProductViewed.newBuilder().setCustomerId(customer).setProductId(product).setSessionId(session)
                .build(), at);
    }

    Recommender recommender(Instant now) {
        return new Recommender(SETTINGS, fx.data(), InstantSource.fixed(now), new SplittableRandom(1));
    }

    @Test
    void boughtTogetherCountsEachOrderAndScoresByJaccard() {
        order("c1", T0, "A", "B");
        order("c2", T0, "A", "B", "C");
        order("c3", T0, "A", "C");
        order("c4", T0, "A", "B");
        order("c5", T0, "D");
        // A is in 4 orders, B in 3, C in 2; A with B 3 times, with C twice
        var related = recommender(T0).related("A", ItemStats.BOUGHT_TOGETHER, 10);
        assertThat(related).extracting(Recommender.Related::productId).containsExactly("B", "C");
        assertThat(related.get(0).together()).isEqualTo(3);
        assertThat(related.get(0).score()).isEqualTo(3.0 / (4 + 3 - 3));
        assertThat(related.get(1).score()).isEqualTo(2.0 / (4 + 2 - 2));
        assertThat(recommender(T0).related("D", ItemStats.BOUGHT_TOGETHER, 10)).isEmpty();
        assertThat(fx.data().baskets(ItemStats.BOUGHT_TOGETHER)).isEqualTo(5);

        var updates = TopologyTests.read(fx.recommendations, RecommendationsUpdated.class);
        var lastForA = updates.stream().map(e -> e.getValue()).filter(u -> u.getProductId().equals("A")).reduce((a, b) -> b).orElseThrow();
        assertThat(lastForA.getKind()).isEqualTo(ItemStats.BOUGHT_TOGETHER);
        // published when the list changes (B; then B, C), with the counts of that moment; the third and
        // fourth orders changed counts but not the list (B and C tie, ordered by id), so said nothing
        assertThat(lastForA.getNeighbours()).extracting(n -> n.getProductId() + "=" + n.getTogether()).containsExactly("B=2", "C=1");
        assertThat(updates.stream().filter(e -> e.getValue().getProductId().equals("A"))).hasSize(2);
    }

    /** An order sent {@code copies} times with one eventId, as a client's retries would. */
    void orderSentAgain(UUID eventId, int copies, String customer, String... products) {
        var lines = Arrays.stream(products).map(p -> new OrderLine(p, 1, BigDecimal.TEN)).toList();
        byte[] payload = io.heomdm.events.AvroCodec.encode(OrderPlaced.newBuilder().setCustomerId(customer).setOrderId("o-" + eventId)
                .setLines(lines).setTotal(BigDecimal.TEN).build());
        for (int copy = 0; copy < copies; copy++) {
            var envelope = new io.heomdm.events.Envelope(eventId, "OrderPlaced", 1, customer, T0.plusSeconds(copy), null, null, null);
            fx.activity.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(customer, payload, io.heomdm.eventlog.KafkaHeaders.of(envelope),
                    T0.plusSeconds(copy)));
        }
    }

    @Test
    void anOrderSentOnceTwiceOrFiveTimesCountsOnceAndItsIdWithOtherLinesIsParked() {
        UUID twice = UUID.randomUUID();
        orderSentAgain(UUID.randomUUID(), 1, "c1", "A", "B");
        orderSentAgain(twice, 2, "c2", "A", "C");
        orderSentAgain(UUID.randomUUID(), 5, "c3", "A", "D");
        assertThat(fx.data().baskets(ItemStats.BOUGHT_TOGETHER)).as("three orders, however often sent").isEqualTo(3);
        assertThat(recommender(T0).related("A", ItemStats.BOUGHT_TOGETHER, 10)).extracting(Recommender.Related::together)
                .containsExactly(1L, 1L, 1L);

        orderSentAgain(twice, 1, "c2", "A", "B"); // the same eventId, other lines
        assertThat(fx.data().baskets(ItemStats.BOUGHT_TOGETHER)).isEqualTo(3);
        var dead = fx.driver.createOutputTopic("decisions-test.dlt", org.apache.kafka.common.serialization.Serdes.String().deserializer(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer()).readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.exception").value()))
                .isEqualTo(io.heomdm.eventlog.streams.Deduplicator.ConflictingEventException.class.getName());
    }

    @Test
    void viewedTogetherPairsTheDistinctItemsOfASession() {
        view("c1", "s1", "A", T0);
        view("c1", "s1", "B", T0);
        view("c1", "s1", "A", T0);
        view("c1", "s1", "C", T0);
        view("c1", "s2", "B", T0.plusSeconds(3600));
        view("c1", "s2", "C", T0.plusSeconds(3600));
        var related = recommender(T0).related("B", ItemStats.VIEWED_TOGETHER, 10);
        assertThat(related).extracting(r -> r.productId() + "=" + r.together()).containsExactly("C=2", "A=1");
        assertThat(related.get(0).score()).isEqualTo(1.0);
        assertThat(fx.data().baskets(ItemStats.VIEWED_TOGETHER)).isEqualTo(2);
        assertThat(fx.data().item("A").orElseThrow().viewBaskets()).as("A viewed twice in one session counts once").isEqualTo(1);
    }

    @Test
    void trendingDecaysWithInjectedTime() {
        for (int i = 0; i < 10; i++) {
            view("c" + i, null, "A", T0);
        }
        for (int i = 0; i < 3; i++) {
            view("d" + i, null, "B", T0.plus(Duration.ofDays(1)));
        }
        // at T0 + 1 day: A = 10 × ½ = 5 beats B = 3
        assertThat(recommender(T0.plus(Duration.ofDays(1))).forCustomer("new", 2, Optional.empty()))
                .extracting(r -> r.productId() + " " + r.source()).containsExactly("A trending", "B trending");
        for (int i = 0; i < 2; i++) {
            view("e" + i, null, "B", T0.plus(Duration.ofDays(2)));
        }
        // at T0 + 2 days: A = 2.5, B = 3 × ½ + 2 = 3.5
        var later = recommender(T0.plus(Duration.ofDays(2))).forCustomer("new", 2, Optional.empty());
        assertThat(later).extracting(Recommender.Recommendation::productId).containsExactly("B", "A");
        assertThat(later.get(0).score()).isCloseTo(3.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(later.get(1).score()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void filtersThenTheFallbackChain() {
        fx.product("C", "kitchen", "10", "5", "20", "2", 0, false, T0);          // out of stock
        fx.product("D", "kitchen", "10", "5", "20", "2", 10, true, T0);          // hidden
        fx.product("E", "garden", "10", "5", "20", "2", 10, false, T0);
        fx.product("F", "kitchen", "10", "5", "20", "2", 10, false, T0.plusSeconds(60)); // the newest, never touched
        for (String other : List.of("B", "C", "D", "E")) {
            order("c1", T0, "A", other);
        }
        order("c9", T0, "B");
        view("c9", "s9", "A", T0);
        // A's neighbours: B (bought by c9), C (out of stock), D (hidden), E: only E is left; then newest fills
        var recs = recommender(T0).forCustomer("c9", 4, Optional.empty());
        assertThat(recs).extracting(r -> r.productId() + " " + r.source()).containsExactly("E item-based", "F newest");
        assertThat(recommender(T0).forCustomer("c9", 4, Optional.of("kitchen"))).extracting(Recommender.Recommendation::productId)
                .containsExactly("F");
        // someone new gets the trending items first (A, then B, E by their order weight), then the newest
        assertThat(recommender(T0).forCustomer("stranger", 10, Optional.empty())).extracting(r -> r.productId() + " " + r.source())
                .containsExactly("A trending", "B trending", "E trending", "F newest");
    }

    @Test
    void aShareOfSlotsGoesToExploration() {
        var exploring = new RecommendationSettings(25, 100, 20, Duration.ofDays(14), Duration.ofDays(1), 1, 3, 5,
                RecommendationSettings.Score.JACCARD, 0.5, 50, 200);
        for (int i = 0; i < 5; i++) {
            view("c" + i, null, "A", T0);
        }
        var recs = new Recommender(exploring, fx.data(), InstantSource.fixed(T0), new SplittableRandom(3)).forCustomer("new", 2, Optional.empty());
        assertThat(recs).extracting(Recommender.Recommendation::source).containsExactly("trending", "exploration");
        assertThat(recs.get(1).productId()).isIn("B", "C", "D");
    }

    @Test
    void liftUsesAllBasketsOfTheKind() {
        order("c1", T0, "A", "B");
        order("c2", T0, "C");
        order("c3", T0, "D");
        order("c4", T0, "C", "D");
        var lift = new Recommender(new RecommendationSettings(25, 100, 20, Duration.ofDays(14), Duration.ofDays(1), 1, 3, 5,
                RecommendationSettings.Score.LIFT, 0, 50, 200), fx.data(), InstantSource.fixed(T0), new SplittableRandom(1));
        // P(A∩B) = 1/4, P(A) = P(B) = 1/4: lift 4
        assertThat(lift.related("A", ItemStats.BOUGHT_TOGETHER, 5)).singleElement().satisfies(r -> assertThat(r.score()).isEqualTo(4.0));
        assertThat(fx.store(DecisionsTopology.ITEM_STORE).approximateNumEntries()).isPositive();
    }
}
