package io.heomdm.analytics.scores;

import java.time.Duration;

/** What a customer is scored against: the RFM cut points and the population's usual gap between purchases. */
public record ScoringNorms(RfmCuts cuts, Duration usualGap) {

    public static final ScoringNorms DEFAULT = new ScoringNorms(RfmCuts.DEFAULT, Duration.ofDays(30));
}
