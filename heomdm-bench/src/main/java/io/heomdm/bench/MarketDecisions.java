package io.heomdm.bench;

import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.SendNotification;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.specific.SpecificRecord;

/**
 * The decision every set-up runs on every event, so that only the transport differs: a handful of
 * segment rules evaluated against the event, a dynamic price for the product (demand seen so far,
 * bounded by floor and ceiling), and whether the event causes a task — an order confirmation, a
 * cart reminder or a campaign message — for a fixed fraction of events, chosen by sequence number
 * so that every set-up sends the same tasks.
 */
final class MarketDecisions {
    private final double taskFraction;
    private final Map<String, LongAdder> demand = new ConcurrentHashMap<>();

    /** The decision taken on one event. */
    record Decision(int rulesMatched, BigDecimal price, Optional<Event<SendNotification>> task) {
    }

    MarketDecisions(double taskFraction) {
        this.taskFraction = taskFraction;
    }

    Decision decide(Event<SpecificRecord> event, long seq, EventIds ids, Instant now) {
        SpecificRecord p = event.payload();
        int matched = 0;
        BigDecimal price = BigDecimal.ZERO;
        if (p instanceof ProductViewed v) {
            matched += "mobile".equals(v.getDevice()) ? 1 : 0;
            matched += v.getCategory() != null && (v.getCategory().equals("shoes") || v.getCategory().equals("sports")) ? 1 : 0;
            matched += v.getPageUrl() != null && v.getPageUrl().contains("utm_source=newsletter") ? 1 : 0;
            matched += "B".equals(v.getContext().get("experiment.checkout")) ? 1 : 0;
            price = price(v.getProductId(), BigDecimal.valueOf(20));
        } else if (p instanceof CartItemAdded c) {
            matched += c.getUnitPrice().compareTo(BigDecimal.valueOf(50)) > 0 ? 1 : 0;
            matched += c.getQuantity() > 1 ? 1 : 0;
            price = price(c.getProductId(), c.getUnitPrice());
        } else if (p instanceof OrderPlaced o) {
            matched += o.getTotal().compareTo(BigDecimal.valueOf(100)) > 0 ? 1 : 0;
            matched += o.getLines().size() > 2 ? 1 : 0;
        }
        Optional<Event<SendNotification>> task = causesTask(seq) ? Optional.of(task(event, ids, now)) : Optional.empty();
        return new Decision(matched, price, task);
    }

    /** List price moved by demand: +0.5 % per 100 views, within ±10 %. */
    private BigDecimal price(String productId, BigDecimal list) {
        LongAdder seen = demand.computeIfAbsent(productId, k -> new LongAdder());
        seen.increment();
        double factor = Math.min(1.10, Math.max(0.90, 0.95 + seen.sum() * 0.00005));
        return list.multiply(BigDecimal.valueOf(factor)).setScale(2, RoundingMode.HALF_UP);
    }

    /** A fixed fraction of sequence numbers, spread evenly by a hash (the same in every set-up). */
    boolean causesTask(long seq) {
        long h = seq * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        return Math.floorMod(h, 1_000_000L) < (long) (taskFraction * 1_000_000);
    }

    /** The notification an event causes: an order confirmation, a cart reminder or a campaign message. */
    static Event<SendNotification> task(Event<? extends SpecificRecord> cause, EventIds ids, Instant now) {
        String template = cause.payload() instanceof OrderPlaced ? "order-confirmation"
                : cause.payload() instanceof CartItemAdded ? "cart-reminder" : "campaign-autumn";
        var payload = SendNotification.newBuilder().setCustomerId(cause.envelope().key()).setChannel(Channel.EMAIL)
                .setRecipient(cause.envelope().key() + "@example.com").setTemplate(template)
                .setVariables(Map.of("cause", cause.envelope().eventId().toString())).build();
        var type = EventCatalog.SEND_NOTIFICATION;
        return new Event<>(cause.envelope().causing(ids.next(), type.name(), type.version(), payload.getCustomerId(), now), payload);
    }
}
