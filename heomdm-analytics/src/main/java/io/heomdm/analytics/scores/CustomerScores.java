package io.heomdm.analytics.scores;

import io.heomdm.analytics.profiles.CustomerProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A purchasing customer's RFM scores, named RFM segment and churn risk at one moment. Customers who
 * never bought have none: recency and churn are measured from a purchase.
 */
public record CustomerScores(int recency, int frequency, int monetary, String rfmSegment, int churnRisk) {

    // R (rows, 5 first) against the mean of F and M (columns, 1 first): the usual RFM grid, every
    // cell named, so a customer is always in exactly one named segment.
    private static final String[][] GRID = {
        {"New", "Potential Loyalist", "Potential Loyalist", "Champions", "Champions"},
        {"Promising", "Potential Loyalist", "Loyal", "Champions", "Champions"},
        {"About to Sleep", "Need Attention", "Need Attention", "Loyal", "Loyal"},
        {"Hibernating", "About to Sleep", "At Risk", "At Risk", "Can't Lose"},
        {"Lost", "Hibernating", "At Risk", "Can't Lose", "Can't Lose"},
    };

    /** Every named RFM segment; rule-based segments may not take these names. */
    public static final Set<String> RFM_SEGMENTS = Arrays.stream(GRID).flatMap(Arrays::stream).collect(Collectors.toUnmodifiableSet());

    public static String rfmSegment(int recency, int frequency, int monetary) {
        int fm = (int) Math.round((frequency + monetary) / 2.0);
        return GRID[5 - recency][fm - 1];
    }

    /**
     * Scores at {@code now}: RFM from {@code cuts}; churn risk from the time since the last purchase
     * {@code t} against the customer's usual gap {@code g} between purchases (their mean gap, or
     * {@code populationGap} while they have bought only once): 100·t³ / (t³ + (2g)³), so 11 at one
     * usual gap, 50 at two, 89 at four.
     */
    public static Optional<CustomerScores> of(CustomerProfile p, Instant now, RfmCuts cuts, Duration populationGap) {
        if (p.lastPurchase().isEmpty() || p.firstPurchase().isEmpty()) {
            return Optional.empty();
        }
        double days = Math.max(0, Duration.between(p.lastPurchase().get(), now).toMillis()) / 86_400_000.0;
        int r = cuts.recencyScore(days);
        int f = cuts.frequencyScore(p.orderCount());
        int m = cuts.monetaryScore(p.revenue().doubleValue());
        double gapDays = usualGap(p).orElse(populationGap).toMillis() / 86_400_000.0;
        double t3 = Math.pow(days, 3);
        double g3 = Math.pow(2 * Math.max(gapDays, 1.0 / 24), 3);
        int churn = (int) Math.round(100 * t3 / (t3 + g3));
        return Optional.of(new CustomerScores(r, f, m, rfmSegment(r, f, m), churn));
    }

    /** The mean gap between a repeat customer's purchases: the span from first to last over the gaps in it. */
    public static Optional<Duration> usualGap(CustomerProfile p) {
        if (p.orderCount() < 2 || p.firstPurchase().isEmpty() || p.lastPurchase().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(p.firstPurchase().get(), p.lastPurchase().get()).dividedBy(p.orderCount() - 1));
    }
}
