package io.heomdm.bench.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.EventIds;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarketSimulatorTest {
    static MarketSimulator simulator(long seed) {
        return new MarketSimulator(Market.generate(2_000, 500, new SplittableRandom(seed)), MarketSimulator.Profile.defaults(),
                new SplittableRandom(seed + 1), new EventIds(InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z")), new SplittableRandom(seed)),
                "run-");
    }

    @Test
    void theFunnelFollowsTheDataSetsProportionsAndEventsAverageTwoKilobytes() {
        var sim = simulator(7);
        Map<String, Integer> types = new HashMap<>();
        long bytes = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            var e = sim.next(i, Instant.EPOCH);
            types.merge(e.envelope().type(), 1, Integer::sum);
            bytes += AvroCodec.encode(e.payload()).length;
            assertThat(e.envelope().correlationId()).isEqualTo("run-" + i);
        }
        assertThat(types.get("ProductViewed") / (double) n).isBetween(0.960, 0.970);
        assertThat(types.get("CartItemAdded") / (double) n).isBetween(0.022, 0.028);
        assertThat(types.get("OrderPlaced") / (double) n).isBetween(0.0065, 0.0095);
        assertThat(types).containsKeys("CustomerUpdated", "ProductCatalogued", "CompetitorPriceObserved");
        assertThat(bytes / (double) n).isBetween(1900.0, 2200.0);
    }

    @Test
    void theSameSeedGivesTheSameMarket() {
        var a = simulator(3);
        var b = simulator(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.next(i, Instant.EPOCH).payload()).isEqualTo(b.next(i, Instant.EPOCH).payload());
        }
    }
}
