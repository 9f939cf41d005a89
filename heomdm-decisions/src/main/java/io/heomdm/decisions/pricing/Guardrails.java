package io.heomdm.decisions.pricing;

import io.heomdm.decisions.CatalogEntry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The guardrail pipeline, in its fixed order: competitor band → maximum change per cycle → minimum
 * interval between changes → rounding → ceiling → floor, minimum advertised price and margin floor.
 * The floors come last so that they always win; each step is kept in the trail whether it moved the
 * price or not, and the last one that moved it is the rule that bound the decision.
 */
public final class Guardrails {
    public static final String COMPETITOR_BAND = "competitor-band";
    public static final String MAX_CHANGE = "max-change";
    public static final String MIN_INTERVAL = "min-interval";
    public static final String ROUNDING = "rounding";
    public static final String CEILING = "ceiling";
    public static final String FLOOR = "floor";
    public static final String MAP = "map";
    public static final String MARGIN_FLOOR = "margin-floor";

    private Guardrails() {
    }

    /**
     * @param lastChange        when the price last changed; null if the engine never changed it
     * @param lowestCompetitor  the lowest fresh competitor price, if any is known
     */
    public record Input(BigDecimal proposed, BigDecimal current, Instant now, Instant lastChange, CatalogEntry product,
            Optional<BigDecimal> lowestCompetitor) {
    }

    public record Step(String rule, BigDecimal before, BigDecimal after, String note) {
        public boolean moved() {
            return before.compareTo(after) != 0;
        }
    }

    /** @param boundBy the last rule that moved the price; null when the proposal passed unchanged */
    public record Outcome(BigDecimal price, String boundBy, List<Step> trail) {
    }

    public static Outcome apply(PricingSettings settings, Input in) {
        var trail = new Trail(cents(in.proposed()));
        BigDecimal current = in.current();
        in.lowestCompetitor().ifPresentOrElse(c -> {
            BigDecimal low = cents(c.multiply(BigDecimal.valueOf(1 - settings.competitorBelow())));
            BigDecimal high = cents(c.multiply(BigDecimal.valueOf(1 + settings.competitorAbove())));
            trail.step(COMPETITOR_BAND, clamp(trail.price, low, high), "lowest competitor " + c.toPlainString() + ", band " + low + "–" + high);
        }, () -> trail.step(COMPETITOR_BAND, trail.price, "no fresh competitor price"));

        BigDecimal down = cents(current.multiply(BigDecimal.valueOf(1 - settings.maxChange())));
        BigDecimal up = cents(current.multiply(BigDecimal.valueOf(1 + settings.maxChange())));
        trail.step(MAX_CHANGE, clamp(trail.price, down, up), "from " + current.toPlainString() + " within " + down + "–" + up);

        if (in.lastChange() != null && trail.price.compareTo(current) != 0
                && in.now().isBefore(in.lastChange().plus(settings.minInterval()))) {
            trail.step(MIN_INTERVAL, current, "last change " + in.lastChange() + ", next allowed " + in.lastChange().plus(settings.minInterval()));
        } else {
            trail.step(MIN_INTERVAL, trail.price, null);
        }

        // a price held at the current one is not re-rounded: rounding applies to new prices only
        boolean changing = trail.price.compareTo(current) != 0;
        trail.step(ROUNDING, changing ? round(trail.price, settings.priceEnding()) : trail.price,
                settings.priceEnding() == null ? "to the cent" : "ending " + settings.priceEnding().toPlainString());

        CatalogEntry p = in.product();
        trail.step(CEILING, trail.price.min(p.ceiling()), null);
        trail.step(FLOOR, trail.price.max(p.floor()), null);
        if (p.minimumAdvertisedPrice() != null) {
            trail.step(MAP, trail.price.max(p.minimumAdvertisedPrice()), null);
        }
        BigDecimal marginFloor = p.cost().multiply(BigDecimal.valueOf(1 + settings.marginFloor())).setScale(2, RoundingMode.CEILING);
        trail.step(MARGIN_FLOOR, trail.price.max(marginFloor), "cost " + p.cost().toPlainString() + " + " + Math.round(settings.marginFloor() * 100) + " %");
        String boundBy = null;
        for (Step s : trail.steps) {
            if (s.moved()) {
                boundBy = s.rule();
            }
        }
        return new Outcome(trail.price, boundBy, List.copyOf(trail.steps));
    }

    /** The nearest price with the given ending (12.40 with 0.99 → 11.99, 12.60 → 12.99); below the ending itself, left alone. */
    static BigDecimal round(BigDecimal price, BigDecimal ending) {
        if (ending == null || price.compareTo(ending) < 0) {
            return cents(price);
        }
        BigDecimal whole = price.subtract(ending).setScale(0, RoundingMode.FLOOR);
        BigDecimal below = whole.add(ending);
        BigDecimal above = below.add(BigDecimal.ONE);
        return cents(price.subtract(below).compareTo(above.subtract(price)) <= 0 ? below : above);
    }

    private static BigDecimal clamp(BigDecimal p, BigDecimal low, BigDecimal high) {
        return p.max(low).min(high);
    }

    static BigDecimal cents(BigDecimal p) {
        return p.setScale(2, RoundingMode.HALF_EVEN);
    }

    private static final class Trail {
        final List<Step> steps = new ArrayList<>();
        BigDecimal price;

        Trail(BigDecimal start) {
            this.price = start;
        }

        void step(String rule, BigDecimal after, String note) {
            BigDecimal next = cents(after);
            steps.add(new Step(rule, price, next, note));
            price = next;
        }
    }
}
