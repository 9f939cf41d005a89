package io.heomdm.gateway;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code GET /v1/products/{id}/demand}: the product's current demand windows and its forecast. */
public record DemandResponse(String productId, List<Window> windows, Optional<Forecast> forecast) {

    public record Window(Instant start, Instant end, long views, long cartAdds, long orders, long units, BigDecimal revenue) {
    }

    /** @param nextUnits units expected in the window after {@code lastWindowStart} */
    public record Forecast(Instant lastWindowStart, double nextUnits, boolean seasonal) {
    }
}
