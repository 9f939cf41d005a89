package io.heomdm.decisions.recommendations;

import java.util.Map;

/**
 * One item's side of the co-occurrence matrix and its trend.
 *
 * @param viewBaskets sessions in which it was viewed (among their first items)
 * @param buyBaskets  orders holding it
 * @param viewed      sessions shared with each other item
 * @param bought      orders shared with each other item
 * @param trend       decayed counters per interaction (view, cart, order)
 */
public record ItemStats(long viewBaskets, long buyBaskets, Map<String, Long> viewed, Map<String, Long> bought, Map<String, Decayed> trend) {
    public static final ItemStats NONE = new ItemStats(0, 0, Map.of(), Map.of(), Map.of());
    public static final String VIEWED_TOGETHER = "viewed-together";
    public static final String BOUGHT_TOGETHER = "bought-together";

    public long baskets(String kind) {
        return BOUGHT_TOGETHER.equals(kind) ? buyBaskets : viewBaskets;
    }

    public Map<String, Long> neighbours(String kind) {
        return BOUGHT_TOGETHER.equals(kind) ? bought : viewed;
    }

    public double trendAt(long nowMillis, java.time.Duration halfLife) {
        return trend.values().stream().mapToDouble(d -> d.at(nowMillis, halfLife)).sum();
    }
}
