package io.heomdm.eventlog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * The retry state of each partition whose head event failed: its tries so far, its backoff (doubling
 * while the event keeps failing) and when the partition may go on. A failure that is a dependency's
 * outage costs no try and backs off to at most {@link KafkaEventSubscriber#OUTAGE_BACKOFF}. Times are
 * {@link System#nanoTime()} values given by the caller. Not thread-safe: the poll loop's own.
 */
final class PartitionRetries {
    private final KafkaEventSubscriber.Retries retries;
    private final Map<TopicPartition, Integer> tries = new HashMap<>();
    private final Map<TopicPartition, Long> backoffMillis = new HashMap<>();
    /** Partitions whose head event waits for a dependency to come back, and which. */
    private final Map<TopicPartition, String> outages = new HashMap<>();
    private final Map<TopicPartition, Long> retryAt = new HashMap<>();

    PartitionRetries(KafkaEventSubscriber.Retries retries) {
        this.retries = retries;
    }

    /** Counts a failed try of the partition's head event; how many it has had. */
    int failed(TopicPartition tp) {
        return tries.merge(tp, 1, Integer::sum);
    }

    /** Whether the event's tries are spent, so that it is parked. */
    boolean spent(int tried) {
        return tried >= retries.attempts();
    }

    /** Holds the partition back for its next backoff after a failed try; the backoff, in ms. */
    long retryLater(TopicPartition tp, long now) {
        return schedule(tp, now, retries.first().toMillis(), retries.max().toMillis());
    }

    /**
     * Holds the partition back while {@code dependency} is down, without counting a try; true when
     * this starts the outage on the partition (the loop says so once).
     */
    boolean waitFor(TopicPartition tp, String dependency, long now) {
        long cap = Math.min(retries.max().toMillis(), KafkaEventSubscriber.OUTAGE_BACKOFF.toMillis());
        schedule(tp, now, Math.min(retries.first().toMillis(), cap), cap);
        return outages.putIfAbsent(tp, dependency) == null;
    }

    private long schedule(TopicPartition tp, long now, long first, long max) {
        long millis = backoffMillis.merge(tp, first, (was, ignored) -> Math.min(Math.max(was * 2, 1), max));
        retryAt.put(tp, now + TimeUnit.MILLISECONDS.toNanos(millis));
        return millis;
    }

    /** The head event went through (or was parked): the next failure starts afresh. The dependency whose outage this ends, or null. */
    String succeeded(TopicPartition tp) {
        tries.remove(tp);
        backoffMillis.remove(tp);
        return outages.remove(tp);
    }

    /** The partitions whose wait is over, no longer held back. */
    List<TopicPartition> due(long now) {
        List<TopicPartition> due = new ArrayList<>();
        retryAt.entrySet().removeIf(e -> {
            if (e.getValue() <= now) {
                due.add(e.getKey());
                return true;
            }
            return false;
        });
        return due;
    }

    boolean holdsBack(TopicPartition tp) {
        return retryAt.containsKey(tp);
    }

    boolean holdsAnyBack() {
        return !retryAt.isEmpty();
    }

    void forget(TopicPartition tp) {
        succeeded(tp);
        retryAt.remove(tp);
    }
}
