package io.heomdm.analytics.customers;

import io.heomdm.analytics.scores.RfmCuts;
import java.time.Duration;
import java.util.Optional;

/**
 * How the customer topology runs.
 *
 * @param sweepEvery how often, by the wall clock, every customer's segments and scores are evaluated again with no event arriving
 * @param requantileEvery how often the RFM cut points and the usual gap are read again from the population
 * @param minPopulation purchasing customers (per stream task) needed before quantiles replace the defaults
 * @param fixedCuts cut points from configuration; when present, no quantiles are read
 * @param churnStep how far churn risk must move before a new {@code CustomerScored} is published
 */
public record CustomerAnalyticsSettings(Duration sweepEvery, Duration requantileEvery, int minPopulation, Optional<RfmCuts> fixedCuts,
        int churnStep) {

    public static final CustomerAnalyticsSettings DEFAULTS =
            new CustomerAnalyticsSettings(Duration.ofMinutes(1), Duration.ofHours(1), 100, Optional.empty(), 10);

    public CustomerAnalyticsSettings {
        if (sweepEvery.isNegative() || sweepEvery.isZero()) {
            throw new IllegalArgumentException("analytics.sweepEvery must be positive, was " + sweepEvery);
        }
        if (requantileEvery.compareTo(sweepEvery) < 0) {
            throw new IllegalArgumentException("analytics.requantileEvery must be at least analytics.sweepEvery, was " + requantileEvery);
        }
        if (minPopulation < 5) {
            throw new IllegalArgumentException("analytics.minPopulation must be at least 5 (one per RFM score), was " + minPopulation);
        }
        if (churnStep < 1 || churnStep > 100) {
            throw new IllegalArgumentException("analytics.churnStep must be 1 to 100, was " + churnStep);
        }
    }
}
