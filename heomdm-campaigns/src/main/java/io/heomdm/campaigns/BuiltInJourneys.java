package io.heomdm.campaigns;

import io.heomdm.events.schema.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The journeys HEOMDM ships, switched on and tuned by configuration. */
public final class BuiltInJourneys {
    public static final String CART_ABANDONMENT = "cart-abandonment";
    public static final String WIN_BACK_PREFIX = "win-back-";
    public static final String PRICE_DROP = "price-drop";

    private BuiltInJourneys() {
    }

    /**
     * A cart add with no order within {@code firstAfter} → a reminder; still none {@code secondAfter}
     * later → a second one. An order ends the run at any step; a new run may start {@code cooldown}
     * after the last ended.
     */
    public static Journey cartAbandonment(Duration firstAfter, Duration secondAfter, Duration cooldown) {
        return new Journey(CART_ABANDONMENT, 1, new Journey.Entry("CartItemAdded", null, null), List.of(
                new Journey.Delay("wait-first", firstAfter),
                new Journey.Message("first-reminder", Channel.EMAIL, "cart-reminder"),
                new Journey.Delay("wait-second", secondAfter),
                new Journey.Message("second-reminder", Channel.EMAIL, "cart-reminder-2")),
                Set.of("OrderPlaced"), cooldown, false);
    }

    /**
     * A product the customer viewed got cheaper: one message, entered not by an event of the
     * customer's but by {@link PriceDropViewers} through {@link JourneyEngine#onPriceDrop}, once per
     * product (its runs are keyed {@code price-drop#productId}).
     */
    public static Journey priceDrop(String template) {
        return new Journey(PRICE_DROP, 1, new Journey.Entry(null, null, null),
                List.<Journey.Node>of(new Journey.Message("alert", Channel.EMAIL, template)), Set.of(), Duration.ZERO, false);
    }

    /** Entering one of the segments (the RFM "At Risk" and "Lost" by default) → an offer; once per {@code cooldown}. */
    public static List<Journey> winBack(List<String> segments, String template, Duration cooldown) {
        return segments.stream().map(segment -> new Journey(WIN_BACK_PREFIX + segment.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'), 1,
                new Journey.Entry(null, segment, null), List.<Journey.Node>of(new Journey.Message("offer", Channel.EMAIL, template)),
                Set.of("OrderPlaced"), cooldown, false)).toList();
    }
}
