package io.heomdm.analytics.demand;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Exponential smoothing of one product's units per window, with a multiplicative hour-of-day
 * factor (Holt–Winters without trend) once a full day of windows is in: the first day's mean per
 * hour over the day's mean gives the factors, which are then smoothed like the level. Windows with
 * no events are never published by the windowing, so a gap is counted as windows of zero before
 * the next one is taken in (at most a day of them, so a product back after months starts afresh
 * rather than looping).
 */
public record DemandForecast(double level, double[] hourFactors, double[] firstDaySums, long[] firstDayCounts, long windowsSeen,
        long lastWindowStart, boolean seasonal) {

    private static final int HOURS = 24;

    public static DemandForecast none() {
        return new DemandForecast(0, ones(), new double[HOURS], new long[HOURS], 0, Long.MIN_VALUE, false);
    }

    /** The forecast after the window starting at {@code windowStart} saw {@code units}; a window not after the last one changes nothing. */
    public DemandForecast observe(long windowStart, long units, DemandSettings settings) {
        if (windowStart <= lastWindowStart) {
            return this;
        }
        long step = settings.advance().toMillis();
        DemandForecast f = this;
        if (windowsSeen > 0) {
            long missing = Math.min((windowStart - lastWindowStart) / step - 1, Duration.ofDays(1).toMillis() / step);
            for (long i = missing; i >= 1; i--) {
                f = f.take(windowStart - i * step, 0, settings);
            }
        }
        return f.take(windowStart, units, settings);
    }

    private DemandForecast take(long start, double y, DemandSettings s) {
        int hour = hourOf(start);
        double[] factors = hourFactors.clone();
        double[] sums = firstDaySums;
        long[] counts = firstDayCounts;
        double newLevel;
        boolean nowSeasonal = seasonal;
        if (!seasonal) {
            newLevel = windowsSeen == 0 ? y : s.alpha() * y + (1 - s.alpha()) * level;
            sums = sums.clone();
            counts = counts.clone();
            sums[hour] += y;
            counts[hour]++;
            if ((windowsSeen + 1) * s.advance().toMillis() >= Duration.ofDays(1).toMillis()) {
                double total = 0;
                long n = 0;
                for (int h = 0; h < HOURS; h++) {
                    total += sums[h];
                    n += counts[h];
                }
                double mean = total / n;
                for (int h = 0; h < HOURS; h++) {
                    factors[h] = mean > 0 && counts[h] > 0 ? (sums[h] / counts[h]) / mean : 1;
                }
                newLevel = mean;
                nowSeasonal = true;
            }
        } else {
            double factor = Math.max(factors[hour], 1e-6);
            newLevel = s.alpha() * (y / factor) + (1 - s.alpha()) * level;
            if (newLevel > 0) {
                factors[hour] = s.gamma() * (y / newLevel) + (1 - s.gamma()) * factors[hour];
            }
        }
        return new DemandForecast(newLevel, factors, sums, counts, windowsSeen + 1, start, nowSeasonal);
    }

    /** Units expected in the window that starts one advance after the last one seen. */
    public double next(DemandSettings settings) {
        return seasonal ? level * hourFactors[hourOf(lastWindowStart + settings.advance().toMillis())] : level;
    }

    private static int hourOf(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).getHour();
    }

    private static double[] ones() {
        double[] a = new double[HOURS];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
