package io.heomdm.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A pause meter, as jHiccup's: a thread that asks to sleep {@link #TICK} over and over and keeps how
 * much longer the longest of those sleeps took. A stop of this JVM (a collection, a safepoint) or of
 * the whole machine (another tenant of the host, the host itself) shows in it; a service falling
 * behind while nothing here stalled is the service's own doing.
 */
final class Stalls implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(10);

    private final AtomicLong worstNanos = new AtomicLong();
    private final Thread ticker;
    private volatile boolean running = true;

    Stalls() {
        ticker = new Thread(this::tick, "soak-stall-meter");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** The longest overrun of a sleep since the last call, in milliseconds. */
    double worstSinceLastLookMs() {
        return worstNanos.getAndSet(0) / 1e6;
    }

    private void tick() {
        long tick = TICK.toNanos();
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(tick);
            long over = System.nanoTime() - before - tick;
            worstNanos.accumulateAndGet(over, Math::max);
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
