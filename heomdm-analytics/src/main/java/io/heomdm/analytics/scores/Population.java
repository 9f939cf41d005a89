package io.heomdm.analytics.scores;

import io.heomdm.analytics.profiles.CustomerProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The purchasing customers seen in one pass over the profiles, as small histograms of recency,
 * frequency, money spent and the usual gap between purchases: the norms customers are scored
 * against are read from it.
 */
public final class Population {
    private final LogHistogram recencyDays = new LogHistogram();
    private final LogHistogram frequency = new LogHistogram();
    private final LogHistogram monetary = new LogHistogram();
    private final LogHistogram gapDays = new LogHistogram();

    public void add(CustomerProfile p, Instant now) {
        p.lastPurchase().ifPresent(last -> {
            recencyDays.record(Math.max(0, Duration.between(last, now).toMillis()) / 86_400_000.0);
            frequency.record(p.orderCount());
            monetary.record(p.revenue().doubleValue());
        });
        CustomerScores.usualGap(p).ifPresent(g -> gapDays.record(g.toMillis() / 86_400_000.0));
    }

    /**
     * Quintile cut points and the median gap, once at least {@code minPurchasers} customers have
     * bought (and, for the gap, as many have bought twice); otherwise what {@code previous} had.
     */
    public Optional<ScoringNorms> norms(int minPurchasers, ScoringNorms previous) {
        if (frequency.total() < minPurchasers) {
            return Optional.empty();
        }
        Duration gap = gapDays.total() >= minPurchasers
                ? Duration.ofMillis(Math.round(gapDays.quantile(0.5) * 86_400_000.0))
                : previous.usualGap();
        return Optional.of(new ScoringNorms(RfmCuts.quintiles(recencyDays, frequency, monetary), gap));
    }
}
