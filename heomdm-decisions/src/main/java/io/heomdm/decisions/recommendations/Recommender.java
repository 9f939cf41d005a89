package io.heomdm.decisions.recommendations;

import static io.heomdm.decisions.recommendations.ItemStats.BOUGHT_TOGETHER;
import static io.heomdm.decisions.recommendations.ItemStats.VIEWED_TOGETHER;

import io.heomdm.decisions.CatalogEntry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * Recommendations at request time: the customer's interests (decayed to now) scored against their
 * items' neighbour lists, then the fallback chain item-based → trending → newest, with a share of
 * the slots left to exploration. Filters: the item must be in stock and not hidden, not already
 * bought, not one the customer is already interested in, and in the category if one was asked for.
 */
public final class Recommender {
    /** Bought-together says more about a customer's intent than browsing together. */
    private static final Map<String, Double> KIND_WEIGHT = Map.of(BOUGHT_TOGETHER, 1.0, VIEWED_TOGETHER, 0.5);
    private static final int ANCHORS = 20;
    private final RecommendationSettings settings;
    private final RecommendationData data;
    private final InstantSource clock;
    private final RandomGenerator random;

    public Recommender(RecommendationSettings settings, RecommendationData data, InstantSource clock, RandomGenerator random) {
        this.settings = settings;
        this.data = data;
        this.clock = clock;
        this.random = random;
    }

    /** @param source item-based, trending, newest or exploration */
    public record Recommendation(String productId, double score, String source) {
    }

    /** @param together baskets holding both; score by the configured measure */
    public record Related(String productId, long together, double score) {
    }

    public List<Recommendation> forCustomer(String customerId, int n, Optional<String> category) {
        long now = clock.millis();
        CustomerTaste taste = data.taste(customerId).orElse(CustomerTaste.NONE);
        Map<String, Double> anchors = new LinkedHashMap<>();
        taste.affinity().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().at(now, settings.affinityHalfLife())))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(ANCHORS).forEach(e -> anchors.put(e.getKey(), e.getValue()));
        Set<String> excluded = new HashSet<>(taste.bought());
        excluded.addAll(anchors.keySet());
        Predicate<CatalogEntry> eligible = p -> p.available() && !excluded.contains(p.productId())
                && category.map(c -> c.equals(p.category())).orElse(true);

        Map<String, Double> scores = new HashMap<>();
        anchors.forEach((anchor, interest) -> data.item(anchor).ifPresent(stats -> KIND_WEIGHT.forEach((kind, weight) ->
                stats.neighbours(kind).forEach((other, together) -> scores.merge(other,
                        interest * weight * score(kind, stats.baskets(kind), other, together), Double::sum)))));

        int exploring = n > 1 ? (int) Math.floor(n * settings.explorationShare()) : 0;
        List<Recommendation> picked = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        scores.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .filter(e -> e.getValue() > 0)
                .forEach(e -> offer(picked, taken, e.getKey(), e.getValue(), "item-based", n - exploring, eligible));
        if (picked.size() < n - exploring) {
            try (Stream<Map.Entry<String, ItemStats>> items = data.items()) {
                items.map(e -> Map.entry(e.getKey(), e.getValue().trendAt(now, settings.trendHalfLife())))
                        .filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                        .forEachOrdered(e -> offer(picked, taken, e.getKey(), e.getValue(), "trending", n - exploring, eligible));
            }
        }
        if (picked.size() < n) {
            try (Stream<CatalogEntry> catalog = data.catalog()) {
                List<CatalogEntry> candidates = catalog.filter(eligible).filter(p -> !taken.contains(p.productId()))
                        .sorted(Comparator.comparing(CatalogEntry::firstSeen, Comparator.nullsLast(Comparator.reverseOrder()))
                                .thenComparing(CatalogEntry::productId))
                        .toList();
                // exploration: random picks beyond the ranking, so that new and unseen items get a chance to be seen at all
                List<CatalogEntry> pool = new ArrayList<>(candidates);
                for (int i = 0; i < exploring && picked.size() < n && !pool.isEmpty(); i++) {
                    CatalogEntry p = pool.remove(random.nextInt(pool.size()));
                    offer(picked, taken, p.productId(), 0, "exploration", n, x -> true);
                }
                candidates.forEach(p -> offer(picked, taken, p.productId(), 0, "newest", n, x -> true));
            }
        }
        return List.copyOf(picked);
    }

    public List<Related> related(String productId, String kind, int n) {
        Optional<ItemStats> stats = data.item(productId);
        if (stats.isEmpty()) {
            return List.of();
        }
        long baskets = stats.get().baskets(kind);
        return stats.get().neighbours(kind).entrySet().stream()
                .filter(e -> data.product(e.getKey()).map(CatalogEntry::available).orElse(false))
                .map(e -> new Related(e.getKey(), e.getValue(), score(kind, baskets, e.getKey(), e.getValue())))
                .sorted(Comparator.comparingDouble(Related::score).reversed().thenComparing(Related::productId))
                .limit(n).toList();
    }

    /** Jaccard |A∩B| / |A∪B|, or lift P(A∩B) / (P(A)·P(B)); the Space-Saving count is capped at the smaller basket count. */
    double score(String kind, long basketsOfA, String b, long together) {
        long basketsOfB = data.item(b).map(s -> s.baskets(kind)).orElse(together);
        double both = Math.min(together, Math.min(basketsOfA, basketsOfB));
        if (both <= 0) {
            return 0;
        }
        if (settings.score() == RecommendationSettings.Score.LIFT) {
            long all = data.baskets(kind);
            if (all > 0) {
                return both * all / ((double) basketsOfA * basketsOfB);
            }
        }
        return both / (basketsOfA + basketsOfB - both);
    }

    private void offer(List<Recommendation> picked, Set<String> taken, String productId, double score, String source, int limit,
            Predicate<CatalogEntry> eligible) {
        if (picked.size() >= limit || taken.contains(productId)) {
            return;
        }
        if (data.product(productId).filter(eligible).isPresent()) {
            picked.add(new Recommendation(productId, score, source));
            taken.add(productId);
        }
    }
}
