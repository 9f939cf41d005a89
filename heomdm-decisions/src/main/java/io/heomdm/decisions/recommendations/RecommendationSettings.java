package io.heomdm.decisions.recommendations;

import java.time.Duration;

/**
 * The recommendation engine's configuration ({@code decisions.recommendations} in the YAML).
 *
 * @param maxBasketItems   the first distinct items of an order or a session that count (pairs grow as the square)
 * @param maxNeighbours    neighbour counters kept per item and kind (Space-Saving beyond that)
 * @param topN             the neighbours published in {@code RecommendationsUpdated}
 * @param affinityHalfLife how fast a customer's interest in an item fades
 * @param trendHalfLife    how fast an item's trending counters fade
 * @param viewWeight       what a view adds to affinity and trend
 * @param cartWeight       what a cart add adds
 * @param orderWeight      what an ordered unit adds
 * @param score            how neighbours are scored at read time
 * @param explorationShare the share of slots given to items outside the ranking, so new items get seen
 * @param affinityItems    items kept per customer
 * @param boughtKept       bought items kept per customer (for the "already bought" filter)
 */
public record RecommendationSettings(int maxBasketItems, int maxNeighbours, int topN, Duration affinityHalfLife, Duration trendHalfLife,
        double viewWeight, double cartWeight, double orderWeight, Score score, double explorationShare, int affinityItems, int boughtKept) {

    public enum Score { JACCARD, LIFT }

    public static RecommendationSettings defaults() {
        return new RecommendationSettings(25, 100, 20, Duration.ofDays(14), Duration.ofDays(1), 1, 3, 5, Score.JACCARD, 0.1, 50, 200);
    }
}
