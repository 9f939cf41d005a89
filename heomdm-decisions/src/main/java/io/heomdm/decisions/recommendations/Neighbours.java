package io.heomdm.decisions.recommendations;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Co-occurrence counts of one item with others, in at most {@code capacity} counters: when full, a
 * new item takes the smallest counter's place with that count plus one (Metwally's Space-Saving), so
 * frequent neighbours are never lost and a count is over-estimated by at most the evicted one's.
 */
public final class Neighbours {
    private Neighbours() {
    }

    public static Map<String, Long> add(Map<String, Long> counts, List<String> others, int capacity) {
        var next = new LinkedHashMap<>(counts);
        for (String other : others) {
            if (next.containsKey(other) || next.size() < capacity) {
                next.merge(other, 1L, Long::sum);
            } else {
                var smallest = next.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
                next.remove(smallest.getKey());
                next.put(other, smallest.getValue() + 1);
            }
        }
        return next;
    }

    /** The {@code n} most frequent, ties by id so the order is stable. */
    public static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
}
