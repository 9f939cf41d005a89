package io.heomdm.decisions;

import io.heomdm.events.schema.ProductCatalogued;
import java.math.BigDecimal;
import java.time.Instant;

/** What the decision services need of a product's catalogue entry, as kept in their global store, with when it was first seen. */
public record CatalogEntry(String productId, String name, String category, BigDecimal price, BigDecimal floor, BigDecimal ceiling,
        BigDecimal cost, BigDecimal minimumAdvertisedPrice, int stock, boolean hidden, String currency, Instant firstSeen) {

    public static CatalogEntry of(ProductCatalogued p, Instant firstSeen) {
        return new CatalogEntry(p.getProductId(), p.getName(), p.getCategory(), p.getPrice(), p.getFloor(), p.getCeiling(), p.getCost(),
                p.getMinimumAdvertisedPrice(), p.getStock(), p.getHidden(), p.getCurrency(), firstSeen);
    }

    /** Whether it may be shown to a customer at all. */
    public boolean available() {
        return stock > 0 && !hidden;
    }
}
