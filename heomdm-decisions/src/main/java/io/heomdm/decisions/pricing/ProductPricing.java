package io.heomdm.decisions.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A product's pricing state, one entry of the engine's store.
 *
 * @param ladder         the price levels, low to high
 * @param evidence       what the windows at each level showed
 * @param priceSince     since when {@code currentPrice} holds: a window that began before it saw two prices and teaches nothing
 * @param lastChange     the engine's last change (for the minimum interval); null before the first
 * @param cataloguePrice the catalogue's price when last read: a different one is an operator's override
 * @param competitors    the latest price seen per competitor
 * @param pending        a recommended decision awaiting approval (recommend mode)
 * @param decisions      the latest decisions, newest first
 */
public record ProductPricing(String productId, String currency, List<BigDecimal> ladder, BigDecimal ladderFloor, BigDecimal ladderCeiling,
        List<LevelEvidence> evidence, Elasticity elasticity, BigDecimal currentPrice, Instant priceSince, Instant lastChange,
        BigDecimal cataloguePrice, Map<String, CompetitorPrice> competitors, PriceDecision pending, List<PriceDecision> decisions, long cycles) {

    public ProductPricing {
        competitors = Map.copyOf(competitors);
        decisions = List.copyOf(decisions);
    }

    public record CompetitorPrice(BigDecimal price, Instant seenAt) {
    }

    /** The lowest competitor price seen within {@code maxAge} of {@code now}. */
    public Optional<BigDecimal> lowestCompetitor(Instant now, java.time.Duration maxAge) {
        return competitors.values().stream().filter(c -> !c.seenAt().isBefore(now.minus(maxAge)))
                .map(CompetitorPrice::price).min(BigDecimal::compareTo);
    }

    /** The ladder level nearest the current price: the one a window at that price teaches about. */
    public int levelInEffect() {
        int best = 0;
        for (int i = 1; i < ladder.size(); i++) {
            if (ladder.get(i).subtract(currentPrice).abs().compareTo(ladder.get(best).subtract(currentPrice).abs()) < 0) {
                best = i;
            }
        }
        return best;
    }
}
