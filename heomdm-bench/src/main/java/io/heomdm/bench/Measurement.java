package io.heomdm.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one run measures. An event is complete when its decision is taken (it caused no task) or
 * when the task it caused has run; latency runs from the event's due time to then. Events due in
 * the warm-up are processed but not counted; completions count as delivered when they happen in
 * the measured window.
 */
final class Measurement {
    private final OpenLoop loop;
    private final long start;
    private final long warmupEvents;
    private final long windowStart;
    private final long windowEnd;
    final Tally decisions;
    final Tally tasks;
    final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.HOURS.toMicros(1), 3);
    private final AtomicLong deliveredInWindow = new AtomicLong();
    private final TaskLegs legs = new TaskLegs();
    final AtomicLong publishFailures = new AtomicLong();
    /** The longest an event waited for the broker's acknowledgement, ns: how long writes stalled (a broker's failover). */
    final java.util.concurrent.atomic.LongAccumulator longestAckNanos = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
    final Timeline timeline;

    Measurement(OpenLoop loop, long start, long totalEvents, long warmupEvents, long windowStart, long windowEnd, Timeline timeline) {
        this.timeline = timeline;
        this.loop = loop;
        this.start = start;
        this.warmupEvents = warmupEvents;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.decisions = new Tally(totalEvents);
        this.tasks = new Tally(totalEvents);
    }

    /** The decision on event {@code seq} was taken and it caused no task. */
    void decided(long seq, long now) {
        if (decisions.arrived(seq)) {
            completed(seq, now);
        }
    }

    /** The decision on event {@code seq} was taken and caused a task, not yet sent. */
    void taskCaused(long seq, long now) {
        legs.decided(seq, now);
    }

    /** The task caused by event {@code seq} was accepted by its queue: the event's decision is complete. */
    void taskQueued(long seq, long now) {
        if (decisions.arrived(seq)) {
            legs.queued(seq, now);
        }
    }

    /** The task caused by event {@code seq} has run. */
    void taskDone(long seq, long now) {
        if (tasks.arrived(seq)) {
            legs.done(seq, now);
            completed(seq, now);
        }
    }

    /** The legs of the measured (not warm-up) events that caused a task. */
    TaskLegs.Split legs() {
        return legs.split(warmupEvents, seq -> loop.due(start, seq));
    }

    private void completed(long seq, long now) {
        timeline.completed(now);
        if (seq >= warmupEvents) {
            long due = loop.due(start, seq);
            long micros = Math.min(latencyMicros.getHighestTrackableValue(), Math.max(1, (now - due) / 1000));
            latencyMicros.recordValue(micros);
            timeline.latency(due, micros);
        }
        if (now >= windowStart && now < windowEnd) {
            deliveredInWindow.incrementAndGet();
        }
    }

    long deliveredInWindow() {
        return deliveredInWindow.get();
    }
}
