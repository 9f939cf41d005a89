package io.heomdm.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which sequence numbers arrived, counted, not assumed: lost ones are those never seen, duplicates
 * those seen more than once. Thread-safe; a bit per sequence number (1M events: 256 KB).
 */
public final class Tally {
    private final long size;
    private final AtomicLongArray seen;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong arrivals = new AtomicLong();

    public Tally(long size) {
        this.size = size;
        int words = (int) ((size + 63) / 64);
        this.seen = new AtomicLongArray(words);
    }

    /** Records an arrival; true when it is the first of this sequence number. */
    public boolean arrived(long seq) {
        if (seq < 0 || seq >= size) {
            throw new IllegalArgumentException("sequence " + seq + " is outside 0.." + (size - 1));
        }
        arrivals.incrementAndGet();
        int word = (int) (seq >>> 6);
        long bit = 1L << (seq & 63);
        long before = seen.getAndAccumulate(word, bit, (a, b) -> a | b);
        if ((before & bit) == 0) {
            return true;
        }
        duplicates.incrementAndGet();
        return false;
    }

    /** Sequence numbers in {@code [from, to)} that never arrived. */
    public long missing(long from, long to) {
        long missing = 0;
        for (long s = from; s < to; s++) {
            if ((seen.get((int) (s >>> 6)) & (1L << (s & 63))) == 0) {
                missing++;
            }
        }
        return missing;
    }

    /** Arrivals beyond the first of their sequence number. */
    public long duplicates() {
        return duplicates.get();
    }

    public long arrivals() {
        return arrivals.get();
    }
}
