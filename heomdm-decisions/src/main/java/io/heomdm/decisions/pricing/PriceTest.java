package io.heomdm.decisions.pricing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A price test on one product: customers first seen from {@code startsAt} on are split between the
 * {@code prices} by a stable hash of (customer, test) — the same customer always sees the same arm,
 * on any instance, after any restart — and the arms are judged on margin per exposed customer.
 * Customers seen before the test keep the product's ordinary price: changing a price someone has
 * already seen is what a test must not do.
 */
public record PriceTest(String testId, String productId, List<BigDecimal> prices, Instant startsAt) {
    public PriceTest {
        prices = List.copyOf(prices);
        if (prices.size() < 2) {
            throw new IllegalArgumentException("a price test needs at least two prices");
        }
    }

    /** The arm of a customer: a name-based UUID (MD5) of customer and test, its high bits modulo the arms. */
    public int arm(String customerId) {
        UUID hash = UUID.nameUUIDFromBytes((customerId + "/" + testId).getBytes(StandardCharsets.UTF_8));
        return Math.floorMod(hash.getMostSignificantBits(), prices.size());
    }

    /** Whether a customer first seen at {@code firstSeen} (null: never seen before) takes part. */
    public boolean includes(Instant firstSeen) {
        return firstSeen == null || !firstSeen.isBefore(startsAt);
    }
}
