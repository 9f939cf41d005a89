package io.heomdm.analytics.demand;

import java.time.Duration;

/**
 * How product demand is windowed and forecast.
 *
 * @param window the length of a demand window (1 h by default)
 * @param advance how far apart windows start (5 min by default: hopping windows; equal to {@code window}: tumbling)
 * @param grace how long after a window ends late events still count in it; the window is published once this has passed
 * @param alpha smoothing of the level (0–1: higher follows the latest window more)
 * @param gamma smoothing of the hour-of-day factors (0–1)
 */
public record DemandSettings(Duration window, Duration advance, Duration grace, double alpha, double gamma) {

    public static final DemandSettings DEFAULTS = new DemandSettings(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(2), 0.3, 0.2);

    public DemandSettings {
        if (window.isNegative() || window.isZero() || advance.isNegative() || advance.isZero() || advance.compareTo(window) > 0) {
            throw new IllegalArgumentException("demand.advance must be positive and at most demand.window, were " + advance + " and " + window);
        }
        if (Duration.ofHours(1).toMillis() % advance.toMillis() != 0 && advance.toMillis() % Duration.ofHours(1).toMillis() != 0) {
            throw new IllegalArgumentException("demand.advance must divide an hour or be whole hours (windows must line up with hours of the day), was " + advance);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("demand.grace must not be negative, was " + grace);
        }
        if (!(alpha > 0 && alpha <= 1) || !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("demand.alpha and demand.gamma must be in (0, 1], were " + alpha + " and " + gamma);
        }
    }
}
