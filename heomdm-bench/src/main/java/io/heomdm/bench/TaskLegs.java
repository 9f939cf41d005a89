package io.heomdm.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.HdrHistogram.Histogram;

/**
 * Where the latency of an event that causes a task goes: from its due time to the decision on it
 * (producer, event log, consumer), from the decision to the task queue's acknowledgement of the
 * task, and from then to the task having run (queue delivery, worker). The end-to-end figure alone
 * cannot say whether a slow set-up is slow in its events or in its tasks. Thread-safe; only the
 * task-causing events (2 % by default) are stamped.
 */
final class TaskLegs {
    private static final int DECIDED = 0;
    private static final int QUEUED = 1;
    private static final int DONE = 2;
    private final Map<Long, long[]> stamps = new ConcurrentHashMap<>();

    /** The three legs' histograms (microseconds). */
    record Split(Histogram toDecision, Histogram toQueued, Histogram toDone) {
        static Split empty() {
            return new Split(histogram(), histogram(), histogram());
        }

        static Split merge(List<Split> splits) {
            Split merged = empty();
            for (Split s : splits) {
                merged.toDecision.add(s.toDecision);
                merged.toQueued.add(s.toQueued);
                merged.toDone.add(s.toDone);
            }
            return merged;
        }
    }

    void decided(long seq, long now) {
        stamp(seq, DECIDED, now);
    }

    void queued(long seq, long now) {
        stamp(seq, QUEUED, now);
    }

    void done(long seq, long now) {
        stamp(seq, DONE, now);
    }

    private void stamp(long seq, int leg, long now) {
        // compute, not get-then-set: the stamps come from different threads, and compute publishes them
        stamps.compute(seq, (k, v) -> {
            long[] s = v == null ? new long[3] : v;
            s[leg] = now;
            return s;
        });
    }

    /**
     * The legs of every event from {@code fromSeq} on whose three stamps are all there. A task can
     * run before the sender hears its queue's acknowledgement; that leg then counts as zero.
     */
    Split split(long fromSeq, LongUnaryOperator dueNanos) {
        Split split = Split.empty();
        stamps.forEach((seq, s) -> {
            if (seq >= fromSeq && s[DECIDED] != 0 && s[QUEUED] != 0 && s[DONE] != 0) {
                record(split.toDecision, s[DECIDED] - dueNanos.applyAsLong(seq));
                record(split.toQueued, s[QUEUED] - s[DECIDED]);
                record(split.toDone, s[DONE] - s[QUEUED]);
            }
        });
        return split;
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(0, nanos / 1000)));
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
    }
}
