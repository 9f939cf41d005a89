package io.heomdm.gateway;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/products/{id}/price}: the price, the pending recommendation, the latest decisions
 * with their guardrail trails, the demand model behind them, and the price test arm a customer sees.
 */
public record PriceResponse(String productId, BigDecimal price, String currency, Instant since, Instant lastChange, String mode,
        Decision pending, List<Decision> decisions, Elasticity elasticity, List<Level> ladder, long cycles, Arm test) {

    /**
     * @param applied whether {@code finalPrice} became the price (auto mode, or an approval)
     * @param reason  "cycle" or "approval"
     */
    public record Decision(String decisionId, Instant at, BigDecimal previousPrice, BigDecimal proposedPrice, BigDecimal finalPrice,
            String boundBy, List<Step> trail, String mode, boolean applied, String reason, Double expectedUnits, Double elasticity,
            Double elasticityStdErr) {
    }

    /** One guardrail's say on the price. */
    public record Step(String rule, BigDecimal before, BigDecimal after, String note) {
    }

    public record Arm(String customerId, String testId, int arm, BigDecimal price) {
    }

    public record Level(BigDecimal price, double expectedUnits, double windows) {
    }

    public record Elasticity(double slope, double standardError, double windows, int distinctPrices) {
    }
}
