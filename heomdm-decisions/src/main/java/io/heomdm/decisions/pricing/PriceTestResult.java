package io.heomdm.decisions.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A price test judged on margin per exposed customer: "collecting" until every arm has
 * {@code minExposed} exposed customers, then the arm with the most margin per exposed customer leads.
 */
public record PriceTestResult(String testId, String productId, Instant startsAt, String status, Integer leader, List<Arm> arms) {

    public record Arm(int arm, BigDecimal price, long exposed, long orders, long units, BigDecimal revenue, BigDecimal margin,
            BigDecimal marginPerExposed) {
    }

    public static PriceTestResult judge(PriceTest test, Map<Integer, PriceTestProcessor.ArmTotals> totals, long minExposed) {
        List<Arm> arms = new ArrayList<>();
        for (int i = 0; i < test.prices().size(); i++) {
            var t = totals.getOrDefault(i, PriceTestProcessor.ArmTotals.NONE);
            BigDecimal perExposed = t.exposed() == 0 ? null : t.margin().divide(BigDecimal.valueOf(t.exposed()), 4, RoundingMode.HALF_EVEN);
            arms.add(new Arm(i, test.prices().get(i), t.exposed(), t.orders(), t.units(), t.revenue(), t.margin(), perExposed));
        }
        boolean enough = arms.stream().allMatch(a -> a.exposed() >= minExposed);
        Integer leader = enough ? arms.stream().max(Comparator.comparing(Arm::marginPerExposed)).map(Arm::arm).orElse(null) : null;
        return new PriceTestResult(test.testId(), test.productId(), test.startsAt(), enough ? "leading" : "collecting", leader, List.copyOf(arms));
    }
}
