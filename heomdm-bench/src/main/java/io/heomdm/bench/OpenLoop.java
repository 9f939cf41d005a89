package io.heomdm.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: event {@code i} is due at {@code start + i / rate}, whatever happened to the
 * events before it. A send that blocks makes the following ones late, never later-scheduled, and
 * latency is measured from the due time, so a stalled system cannot hide its delay (no
 * coordinated omission, after Gil Tene and the OpenMessaging Benchmark).
 */
public final class OpenLoop {
    /** Monotonic time, and waiting until a moment of it: the system's, or a test's. */
    public interface Ticker {
        long nanoTime();

        void parkUntil(long nanoTime);

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void parkUntil(long deadline) {
                long left;
                while ((left = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(left);
                }
            }
        };
    }

    /** What to do with each event when it is due. */
    public interface Send {
        void send(long seq, long dueNanos) throws Exception;
    }

    private final Ticker ticker;
    private final double perSecond;

    public OpenLoop(Ticker ticker, double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be > 0");
        }
        this.ticker = ticker;
        this.perSecond = perSecond;
    }

    /** The due time of event {@code seq} in a run that started at {@code start}. */
    public long due(long start, long seq) {
        return start + (long) (seq * 1e9 / perSecond);
    }

    /** The sequence number of the first event due at or after {@code nanosAfterStart}. */
    public long firstDueAfter(long nanosAfterStart) {
        return (long) Math.ceil(nanosAfterStart * perSecond / 1e9);
    }

    /**
     * Sends events {@code 0 .. count-1}, each when it is due from {@code start}, but none after
     * {@code deadline}: a producer held back by a saturated system stops with the run instead of
     * sending its backlog for ever. Returns how many were sent, and how many of those were late by
     * more than a millisecond.
     */
    public Sent run(long start, long count, long deadline, Send send) throws Exception {
        long late = 0;
        long seq = 0;
        for (; seq < count && !Thread.currentThread().isInterrupted(); seq++) {
            long due = due(start, seq);
            long now = ticker.nanoTime();
            if (now < due) {
                ticker.parkUntil(due);
            } else if (now > deadline) {
                break;
            } else if (now - due > 1_000_000) {
                late++;
            }
            send.send(seq, due);
        }
        return new Sent(seq, late);
    }

    public long run(long start, long count, Send send) throws Exception {
        return run(start, count, Long.MAX_VALUE, send).late();
    }

    public record Sent(long count, long late) {
    }
}
