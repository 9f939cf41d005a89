package io.heomdm.analytics.scores;

/**
 * A small histogram of non-negative values in buckets 10 % wide (log-spaced), enough to read RFM
 * cut points and the population's usual gap between purchases to within a tenth, in a few hundred
 * counters whatever the population's size.
 */
final class LogHistogram {
    private static final double GROWTH = 1.1;
    private static final int BUCKETS = 300; // 1.1^300 − 1 ≈ 2.6e12: days, orders and money all fit
    private final long[] counts = new long[BUCKETS];
    private long total;

    void record(double value) {
        counts[bucket(Math.max(0, value))]++;
        total++;
    }

    long total() {
        return total;
    }

    /** The value below which {@code q} of the recorded values fall: the upper bound of the bucket holding that rank. */
    double quantile(double q) {
        if (total == 0) {
            throw new IllegalStateException("no values recorded");
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    private static int bucket(double value) {
        return (int) Math.min(BUCKETS - 1, Math.floor(Math.log1p(value) / Math.log(GROWTH)));
    }

    private static double upperBound(int bucket) {
        return Math.pow(GROWTH, bucket + 1) - 1;
    }
}
