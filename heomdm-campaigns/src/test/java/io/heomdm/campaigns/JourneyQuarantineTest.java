package io.heomdm.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.events.schema.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A journey that throws when evaluated is taken out; the other journeys go on for the same event. */
class JourneyQuarantineTest {
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private static Journey journey(String id, Condition condition) {
        return new Journey(id, 1, new Journey.Entry("CartItemAdded", null, condition),
                List.of(new Journey.Delay("wait", Duration.ofHours(1)), new Journey.Message("remind", Channel.EMAIL, "cart-reminder")),
                Set.of("OrderPlaced"), Duration.ZERO, false);
    }

    @Test
    void aJourneyThatThrowsIsQuarantinedAndTheOthersStillRun() {
        // an operator no check knew of when it was written: its evaluation throws
        var hostile = journey("hostile", new Condition("productId", "approx", "p-1"));
        var good = journey("good", null);
        var quarantine = new JourneyQuarantine();
        var engine = new JourneyEngine(List.of(hostile, good), GateSettings.defaults(), quarantine);
        List<JourneyEngine.Decided> out = new ArrayList<>();

        var customer = engine.onEvent("c-1", CampaignCustomer.NEW, "CartItemAdded", Map.of("productId", "p-1"),
                new JourneyEngine.Cause("e-1", null), T0, out);
        assertThat(customer.runs()).as("the good journey started").containsOnlyKeys("good");
        assertThat(quarantine.quarantined()).containsOnlyKeys("hostile");
        assertThat(quarantine.quarantined().get("hostile")).startsWith("IllegalStateException");

        var fixed = journey("hostile", new Condition("productId", "eq", "p-1"));
        var redefined = new JourneyEngine(List.of(fixed, good), GateSettings.defaults(), quarantine);
        var next = redefined.onEvent("c-2", CampaignCustomer.NEW, "CartItemAdded", Map.of("productId", "p-1"),
                new JourneyEngine.Cause("e-2", null), T0, out);
        assertThat(next.runs()).as("defined again: back").containsOnlyKeys("good", "hostile");
        assertThat(quarantine.quarantined()).isEmpty();
    }
}
