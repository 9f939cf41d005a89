package io.heomdm.gateway;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** {@code GET /v1/pricing/tests/{testId}}: each arm and what its exposed customers did; {@code leader} once every arm has enough. */
public record PriceTestResponse(String testId, String productId, Instant startsAt, String status, Integer leader, List<Arm> arms) {

    public record Arm(int arm, BigDecimal price, long exposed, long orders, long units, BigDecimal revenue, BigDecimal margin,
            BigDecimal marginPerExposed) {
    }
}
