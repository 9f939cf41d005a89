package io.heomdm.decisions.recommendations;

import java.time.Duration;

/** A counter that halves every half-life, stored with the time it was last brought up to date and decayed lazily when read. */
public record Decayed(double value, long atMillis) {
    public double at(long nowMillis, Duration halfLife) {
        if (nowMillis <= atMillis) {
            return value;
        }
        return value * Math.pow(0.5, (double) (nowMillis - atMillis) / halfLife.toMillis());
    }

    public Decayed plus(double weight, long nowMillis, Duration halfLife) {
        long at = Math.max(nowMillis, atMillis);
        return new Decayed(at(at, halfLife) + weight, at);
    }
}
