package io.heomdm.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A product's demand as {@code GET /v1/products/{id}/demand} shows it: the windows the store still
 * holds (the open ones and those within their grace period; closed ones are on
 * {@code analytics.demand.v1}) and the forecast of the next window.
 */
public record DemandView(String productId, List<Window> windows, Optional<Forecast> forecast) {

    public record Window(Instant start, Instant end, long views, long cartAdds, long orders, long units, BigDecimal revenue) {
    }

    /** @param nextUnits units expected in the window after {@code lastWindowStart} */
    public record Forecast(Instant lastWindowStart, double nextUnits, boolean seasonal) {
    }
}
