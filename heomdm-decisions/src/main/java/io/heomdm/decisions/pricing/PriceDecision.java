package io.heomdm.decisions.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One pricing decision as stored and published: what Thompson sampling proposed, what the guardrails
 * let through and why.
 *
 * @param applied whether {@code finalPrice} became the price (auto mode, or an approval)
 * @param reason  "cycle" or "approval"
 */
public record PriceDecision(String decisionId, Instant at, BigDecimal previousPrice, BigDecimal proposedPrice, BigDecimal finalPrice,
        String boundBy, List<Guardrails.Step> trail, PricingSettings.Mode mode, boolean applied, String reason, Double expectedUnits,
        Double elasticity, Double elasticityStdErr) {

    public PriceDecision approved(Instant when) {
        return new PriceDecision(decisionId, when, previousPrice, proposedPrice, finalPrice, boundBy, trail, mode, true, "approval",
                expectedUnits, elasticity, elasticityStdErr);
    }

    public boolean changesPrice() {
        return finalPrice.compareTo(previousPrice) != 0;
    }
}
