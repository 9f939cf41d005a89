package io.heomdm.analytics.profiles;

import io.heomdm.analytics.segments.Rule;
import io.heomdm.events.Event;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the analytics layer knows of one customer, folded from the activity stream: first and last
 * seen, purchases, revenue, counters per event type in daily buckets (UTC days, the last
 * {@value #RETAINED_DAYS} kept), category interest, consent and time zone. Immutable: {@link #with}
 * returns the profile after one more event. Rules read it as {@link Rule.Facts}; a past-event
 * window is counted in whole days, those from the window's first day to its last.
 */
public record CustomerProfile(String customerId, Instant firstSeen, Instant lastSeen, Optional<Instant> firstPurchase,
        Optional<Instant> lastPurchase, long orderCount, BigDecimal revenue, Map<String, TreeMap<Long, Long>> dailyCounts,
        Map<String, Long> categoryViews, Optional<String> timeZone, Optional<Consent> consent) {

    public static final int RETAINED_DAYS = 90;
    /** The categories whose views are counted: a client inventing a category per view must not grow a profile without end. */
    public static final int MAX_CATEGORIES = 50;

    public record Consent(boolean email, boolean sms, boolean push) {
    }

    public CustomerProfile {
        dailyCounts = Map.copyOf(dailyCounts);
        categoryViews = Map.copyOf(categoryViews);
    }

    public static CustomerProfile first(String customerId, Instant at) {
        return new CustomerProfile(customerId, at, at, Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO, Map.of(), Map.of(),
                Optional.empty(), Optional.empty());
    }

    /** The profile after {@code event}; events out of order move first / last seen only where they extend them. */
    public CustomerProfile with(Event<?> event) {
        Instant at = event.envelope().occurredAt();
        String type = event.envelope().type();
        Instant first = at.isBefore(firstSeen) ? at : firstSeen;
        Instant last = at.isAfter(lastSeen) ? at : lastSeen;
        var counts = countDay(type, at, last);
        var categories = categoryViews;
        Optional<Instant> firstBuy = firstPurchase;
        Optional<Instant> lastBuy = lastPurchase;
        long orders = orderCount;
        BigDecimal spent = revenue;
        Optional<String> zone = timeZone;
        Optional<Consent> consents = consent;
        if (event.payload() instanceof OrderPlaced order) {
            orders++;
            spent = spent.add(order.getTotal());
            firstBuy = Optional.of(firstBuy.filter(f -> f.isBefore(at)).orElse(at));
            lastBuy = Optional.of(lastBuy.filter(l -> l.isAfter(at)).orElse(at));
        } else if (event.payload() instanceof ProductViewed view && view.getCategory() != null) {
            var c = new HashMap<>(categoryViews);
            c.merge(view.getCategory(), 1L, Long::sum);
            if (c.size() > MAX_CATEGORIES) {
                // the least viewed other category goes (ties: the last by name), so the one just seen always counts
                c.entrySet().stream().filter(e -> !e.getKey().equals(view.getCategory()))
                        .min(java.util.Map.Entry.<String, Long>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                        .ifPresent(e -> c.remove(e.getKey()));
            }
            categories = c;
        } else if (event.payload() instanceof CustomerUpdated update) {
            zone = Optional.of(update.getTimeZone());
            var cc = update.getConsent();
            consents = Optional.of(new Consent(cc.getEmail(), cc.getSms(), cc.getPush()));
        }
        return new CustomerProfile(customerId, first, last, firstBuy, lastBuy, orders, spent, counts, categories, zone, consents);
    }

    private Map<String, TreeMap<Long, Long>> countDay(String type, Instant at, Instant latest) {
        long oldest = day(latest) - RETAINED_DAYS + 1;
        Map<String, TreeMap<Long, Long>> counts = new HashMap<>();
        dailyCounts.forEach((t, days) -> {
            var kept = new TreeMap<>(days.tailMap(oldest, true));
            if (!kept.isEmpty()) {
                counts.put(t, kept);
            }
        });
        if (day(at) >= oldest) {
            counts.computeIfAbsent(type, t -> new TreeMap<>()).merge(day(at), 1L, Long::sum);
        }
        return counts;
    }

    private static long day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC).toEpochDay();
    }

    public Optional<BigDecimal> averageOrderValue() {
        return orderCount == 0 ? Optional.empty() : Optional.of(revenue.divide(BigDecimal.valueOf(orderCount), 2, RoundingMode.HALF_EVEN));
    }

    public Optional<String> favouriteCategory() {
        return categoryViews.entrySet().stream()
                .max(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey);
    }

    /** The profile read by segment rules; {@code inSegment} is answered by the caller (see {@code SegmentCatalog}). */
    public Rule.Facts facts() {
        return new Rule.Facts() {
            @Override
            public Optional<Object> property(String name) {
                return switch (name) {
                    case "orderCount" -> Optional.of(orderCount);
                    case "revenue" -> Optional.of(revenue);
                    case "averageOrderValue" -> averageOrderValue().map(v -> v);
                    case "favouriteCategory" -> favouriteCategory().map(v -> v);
                    case "timeZone" -> timeZone.map(v -> v);
                    case "consent.email" -> consent.map(Consent::email);
                    case "consent.sms" -> consent.map(Consent::sms);
                    case "consent.push" -> consent.map(Consent::push);
                    case "firstSeen" -> Optional.of(firstSeen.toEpochMilli());
                    case "lastSeen" -> Optional.of(lastSeen.toEpochMilli());
                    case "lastPurchase" -> lastPurchase.map(Instant::toEpochMilli);
                    default -> Optional.empty();
                };
            }

            @Override
            public long eventCount(String type, Instant from, Instant to) {
                var days = dailyCounts.get(type);
                if (days == null || !to.isAfter(from)) {
                    return 0;
                }
                return days.subMap(day(from), true, day(to.minusNanos(1)), true).values().stream().mapToLong(Long::longValue).sum();
            }

            @Override
            public boolean inSegment(String segment) {
                return false;
            }
        };
    }
}
