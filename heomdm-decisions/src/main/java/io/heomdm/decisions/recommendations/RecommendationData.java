package io.heomdm.decisions.recommendations;

import io.heomdm.decisions.CatalogEntry;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** What the recommender reads: the engine's stores (Kafka Streams interactive queries in the platform, plain maps in tests). */
public interface RecommendationData {
    Optional<CustomerTaste> taste(String customerId);

    Optional<ItemStats> item(String productId);

    /** Every item with its counters, for trending; streams must be closed. */
    Stream<Map.Entry<String, ItemStats>> items();

    Optional<CatalogEntry> product(String productId);

    /** The whole catalogue, for newest and exploration; streams must be closed. */
    Stream<CatalogEntry> catalog();

    /** Baskets (orders or sessions) of this kind so far, for lift. */
    long baskets(String kind);
}
