package io.heomdm.analytics.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.schema.ChannelConsent;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class CustomerProfileTest {
    static final Instant T0 = Instant.parse("2026-08-01T10:00:00Z");

    static <T extends SpecificRecord> Event<T> event(T payload, Instant at) {
        return new Event<>(new Envelope(UUID.randomUUID(), payload.getSchema().getName(), 1, "c-1", at, null, null, null), payload);
    }

    static Event<OrderPlaced> order(String total, Instant at) {
        return event(OrderPlaced.newBuilder().setCustomerId("c-1").setOrderId("o-" + at.toEpochMilli()).setLines(List.of())
                .setTotal(new BigDecimal(total)).setCurrency("EUR").build(), at);
    }

    static Event<ProductViewed> view(String category, Instant at) {
        return event(ProductViewed.newBuilder().setCustomerId("c-1").setProductId("p-1").setCategory(category).build(), at);
    }

    @Test
    void aClientInventingACategoryPerViewDoesNotGrowTheProfile() {
        var p = CustomerProfile.first("c-1", T0).with(view("shoes", T0)).with(view("shoes", T0));
        for (int i = 0; i < 10_000; i++) {
            p = p.with(view("made-up-" + i, T0.plusSeconds(i)));
        }
        assertThat(p.categoryViews()).hasSize(CustomerProfile.MAX_CATEGORIES);
        assertThat(p.categoryViews()).as("the real interest survives the flood").containsEntry("shoes", 2L).containsKey("made-up-9999");
        assertThat(p.favouriteCategory()).contains("shoes");
    }

    @Test
    void foldsPurchasesViewsAndConsent() {
        var p = CustomerProfile.first("c-1", T0)
                .with(view("shoes", T0))
                .with(view("bags", T0.plusSeconds(60)))
                .with(view("shoes", T0.plusSeconds(120)))
                .with(order("30.00", T0.plus(Duration.ofDays(2))))
                .with(order("45.50", T0.plus(Duration.ofDays(1)))) // late: first purchase moves back, last stays
                .with(event(CustomerUpdated.newBuilder().setCustomerId("c-1").setTimeZone("Europe/Berlin")
                        .setConsent(ChannelConsent.newBuilder().setEmail(true).setSms(false).setPush(true).build()).build(), T0.plus(Duration.ofDays(3))));

        assertThat(p.orderCount()).isEqualTo(2);
        assertThat(p.revenue()).isEqualByComparingTo("75.50");
        assertThat(p.averageOrderValue()).contains(new BigDecimal("37.75"));
        assertThat(p.firstPurchase()).contains(T0.plus(Duration.ofDays(1)));
        assertThat(p.lastPurchase()).contains(T0.plus(Duration.ofDays(2)));
        assertThat(p.firstSeen()).isEqualTo(T0);
        assertThat(p.lastSeen()).isEqualTo(T0.plus(Duration.ofDays(3)));
        assertThat(p.favouriteCategory()).contains("shoes");
        assertThat(p.timeZone()).contains("Europe/Berlin");
        assertThat(p.consent()).contains(new CustomerProfile.Consent(true, false, true));
        assertThat(p.facts().property("consent.sms")).contains(false);
        assertThat(p.facts().property("unknown")).isEmpty();
    }

    @Test
    void dailyCountersKeepNinetyDaysAndAnswerPastEventRules() {
        var p = CustomerProfile.first("c-1", T0).with(order("10.00", T0));
        for (int d = 1; d <= 100; d++) {
            p = p.with(view("shoes", T0.plus(Duration.ofDays(d))));
        }
        var views = p.dailyCounts().get("ProductViewed");
        assertThat(views).hasSize(CustomerProfile.RETAINED_DAYS);
        assertThat(p.dailyCounts()).as("the order, 100 days old, is out of the retained days").doesNotContainKey("OrderPlaced");

        Instant now = T0.plus(Duration.ofDays(100)).plusSeconds(3600);
        var facts = p.facts();
        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7, \"min\": 7, \"max\": 8}}").matches(facts, now)).isTrue();
        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 30, \"notOccurred\": true}}").matches(facts, now)).isTrue();
        assertThat(p.orderCount()).as("the lifetime figures stay").isEqualTo(1);
        assertThat(p.facts().property("lastPurchase")).isEqualTo(Optional.of(T0.toEpochMilli()));
    }
}
