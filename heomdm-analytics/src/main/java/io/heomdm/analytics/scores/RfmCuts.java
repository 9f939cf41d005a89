package io.heomdm.analytics.scores;

import java.util.List;

/**
 * Four ascending cut points per RFM metric, splitting customers into five scores: recency in days
 * since the last purchase (fewer days, higher score), frequency in orders and monetary in money
 * spent (more, higher). Either fixed in configuration or read off the population's histograms.
 */
public record RfmCuts(List<Double> recencyDays, List<Double> frequency, List<Double> monetary) {

    /** Until the population is large enough to read quantiles from: a month-scale shop's usual cut points. */
    public static final RfmCuts DEFAULT = new RfmCuts(List.of(14.0, 30.0, 60.0, 120.0), List.of(1.0, 2.0, 3.0, 5.0),
            List.of(50.0, 100.0, 250.0, 500.0));

    public RfmCuts {
        recencyDays = checked("recencyDays", recencyDays);
        frequency = checked("frequency", frequency);
        monetary = checked("monetary", monetary);
    }

    private static List<Double> checked(String name, List<Double> cuts) {
        if (cuts.size() != 4) {
            throw new IllegalArgumentException("rfm cut points " + name + ": four ascending values are needed, got " + cuts);
        }
        for (int i = 1; i < 4; i++) {
            if (cuts.get(i) < cuts.get(i - 1)) {
                throw new IllegalArgumentException("rfm cut points " + name + " must ascend, got " + cuts);
            }
        }
        return List.copyOf(cuts);
    }

    /** The quintile cut points of the histograms. */
    static RfmCuts quintiles(LogHistogram recencyDays, LogHistogram frequency, LogHistogram monetary) {
        return new RfmCuts(quintiles(recencyDays), quintiles(frequency), quintiles(monetary));
    }

    private static List<Double> quintiles(LogHistogram h) {
        return List.of(h.quantile(0.2), h.quantile(0.4), h.quantile(0.6), h.quantile(0.8));
    }

    /** 5 for the most recent fifth, 1 for the least recent. */
    int recencyScore(double days) {
        return 5 - above(recencyDays, days);
    }

    int frequencyScore(double orders) {
        return 1 + above(frequency, orders);
    }

    int monetaryScore(double spent) {
        return 1 + above(monetary, spent);
    }

    private static int above(List<Double> cuts, double value) {
        return (int) cuts.stream().filter(c -> value > c).count();
    }
}
