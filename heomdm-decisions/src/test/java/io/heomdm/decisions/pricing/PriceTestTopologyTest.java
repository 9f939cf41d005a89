package io.heomdm.decisions.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.decisions.DecisionsTopology;
import io.heomdm.decisions.TopologyFixture;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTestTopologyTest {
    static final Instant START = Instant.parse("2026-11-10T00:00:00Z");
    static final PriceTest TEST = new PriceTest("kettle-price", "P", List.of(new BigDecimal("18.00"), new BigDecimal("22.00")), START);

    @TempDir
    Path stateDir;
    TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture(stateDir, PricingSettings.defaults(), RecommendationSettings.defaults(), List.of(TEST));
        fx.product("P", "kitchen", "20", "10", "30", "12", 100, false, START.minus(Duration.ofDays(30)));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    void view(String customer, Instant at) {
        TopologyTests.send(fx.activity, customer, ProductViewed.newBuilder().setCustomerId(customer).setProductId("P").build(), at);
    }

    void order(String customer, String unitPrice, int quantity, Instant at) {
        TopologyTests.send(fx.activity, customer, OrderPlaced.newBuilder().setCustomerId(customer).setOrderId(customer + at)
                .setLines(List.of(new OrderLine("P", quantity, new BigDecimal(unitPrice)))).setTotal(BigDecimal.ONE).build(), at);
    }

    Map<Integer, PriceTestProcessor.ArmTotals> totals() {
        Map<Integer, PriceTestProcessor.ArmTotals> totals = new HashMap<>();
        try (var it = fx.<PriceTestProcessor.ArmTotals>store(DecisionsTopology.TEST_TOTALS_STORE).range("kettle-price/", "kettle-price0")) {
            it.forEachRemaining(kv -> totals.merge(Integer.parseInt(kv.key.split("/")[1]), kv.value, PriceTestProcessor.ArmTotals::plus));
        }
        return totals;
    }

    @Test
    void theArmIsAStableHashOfCustomerAndTestAndSplitsCustomersEvenly() {
        assertThat(TEST.arm("c-1")).isEqualTo(new PriceTest("kettle-price", "P", TEST.prices(), START.plusSeconds(1)).arm("c-1"));
        int[] counts = new int[2];
        for (int i = 0; i < 10_000; i++) {
            counts[TEST.arm("c-" + i)]++;
        }
        assertThat(counts[0]).isBetween(4_800, 5_200);
        var other = new PriceTest("other", "P", TEST.prices(), START);
        long moved = java.util.stream.IntStream.range(0, 1_000).filter(i -> other.arm("c-" + i) != TEST.arm("c-" + i)).count();
        assertThat(moved).as("another test splits independently").isBetween(400L, 600L);
    }

    @Test
    void onlyNewCustomersAreExposedAndTheirMarginCountsForTheirArm() {
        view("old", START.minus(Duration.ofDays(1)));
        view("old", START.plus(Duration.ofHours(1)));
        order("old", "20.00", 1, START.plus(Duration.ofHours(2)));
        for (int i = 0; i < 40; i++) {
            String c = "new-" + i;
            view(c, START.plus(Duration.ofHours(3)));
            view(c, START.plus(Duration.ofHours(4)));                    // a second view exposes no one twice
            String paid = TEST.prices().get(TEST.arm(c)).toPlainString();
            if (i % 4 == 0) {
                order(c, paid, 2, START.plus(Duration.ofHours(5)));
            }
        }
        var totals = totals();
        long exposed0 = java.util.stream.IntStream.range(0, 40).filter(i -> TEST.arm("new-" + i) == 0).count();
        assertThat(totals.get(0).exposed()).isEqualTo(exposed0);
        assertThat(totals.get(0).exposed() + totals.get(1).exposed()).as("the old customer is not in the test").isEqualTo(40);
        long buyers0 = java.util.stream.IntStream.range(0, 40).filter(i -> i % 4 == 0 && TEST.arm("new-" + i) == 0).count();
        assertThat(totals.get(0).orders()).isEqualTo(buyers0);
        assertThat(totals.get(0).margin()).isEqualByComparingTo(new BigDecimal("12.00").multiply(BigDecimal.valueOf(buyers0))); // (18 - 12) x 2
        assertThat(totals.get(1).margin()).isEqualByComparingTo(new BigDecimal("20.00").multiply(BigDecimal.valueOf(10 - buyers0))); // (22 - 12) x 2

        var result = PriceTestResult.judge(TEST, totals, 10);
        assertThat(result.status()).isEqualTo("leading");
        var best = result.arms().stream().max(java.util.Comparator.comparing(PriceTestResult.Arm::marginPerExposed)).orElseThrow();
        assertThat(result.leader()).isEqualTo(best.arm());
        assertThat(PriceTestResult.judge(TEST, totals, 1_000).status()).isEqualTo("collecting");
        assertThat(PriceTestResult.judge(TEST, totals, 1_000).leader()).isNull();
    }
}
