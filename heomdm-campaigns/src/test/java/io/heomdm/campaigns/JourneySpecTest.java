package io.heomdm.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.heomdm.events.schema.Channel;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class JourneySpecTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JourneySpec spec(String yaml) throws Exception {
        return YAML.readValue(yaml, JourneySpec.class);
    }

    @Test
    void aJourneyIsCompiledWithItsBranchesResolved() throws Exception {
        var problems = new ArrayList<String>();
        var journey = spec("""
                entry: {event: CartItemAdded, condition: {field: unitPrice, op: gte, value: "20"}}
                exitOn: [OrderPlaced]
                reentryCooldownMinutes: 1440
                steps:
                  - {delayMinutes: 60}
                  - {id: first, message: {channel: email, template: cart-reminder}}
                  - {waitFor: {event: ProductViewed, timeoutMinutes: 1440, onEvent: again, onTimeout: end}}
                  - {id: again, split: {percent: 50, then: end, else: second}}
                  - {id: second, message: {channel: sms, template: cart-reminder-2}}
                  - {id: end, exit: true}
                """).compile("cart", "campaigns.journeys.cart", problems);
        assertThat(problems).isEmpty();
        var j = journey.orElseThrow();
        assertThat(j.reentryCooldown()).isEqualTo(Duration.ofDays(1));
        assertThat(j.nodes()).hasSize(6);
        assertThat(j.nodes().get(0).id()).isEqualTo("step-1");
        assertThat(j.nodes().get(2)).isEqualTo(new Journey.WaitFor("step-3", "ProductViewed", null, Duration.ofDays(1), 3, 5));
        assertThat(j.nodes().get(3)).isEqualTo(new Journey.Split("again", null, 50, 5, 4));
        assertThat(j.nodes().get(4)).isEqualTo(new Journey.Message("second", Channel.SMS, "cart-reminder-2"));
        assertThat(j.entry().admits("CartItemAdded", java.util.Map.of("unitPrice", "25.00"))).isTrue();
        assertThat(j.entry().admits("CartItemAdded", java.util.Map.of("unitPrice", "19.99"))).isFalse();
    }

    @Test
    void everyMistakeIsNamedByItsPath() throws Exception {
        var problems = new ArrayList<String>();
        var journey = spec("""
                entry: {event: PriceChanged}
                exitOn: [Ordered]
                steps:
                  - {delayMinutes: 0}
                  - {message: {channel: fax, template: ""}}
                  - {waitFor: {event: ProductViewed, onEvent: nowhere, onTimeout: step-1}}
                  - {split: {percent: 150, condition: {field: x, op: like, value: y}, then: step-1, else: step-2}}
                  - {delayMinutes: 5, exit: true}
                """).compile("bad", "j", problems);
        assertThat(journey).isEmpty();
        assertThat(problems).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactlyInAnyOrder(
                "j.entry.event", "j.exitOn[0]", "j.steps[0].delayMinutes", "j.steps[1].message.channel", "j.steps[1].message.template",
                "j.steps[2].waitFor.timeoutMinutes", "j.steps[2].waitFor.onEvent", "j.steps[3].split", "j.steps[3].split.condition.op",
                "j.steps[4]");
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("j.entry.event: PriceChanged is not a customer event"));
    }

    @Test
    void conditionsCompareNumbersAsNumbers() {
        assertThat(new Condition("total", "gt", "9").test(java.util.Map.of("total", "10.00"))).isTrue();
        assertThat(new Condition("city", "eq", "Oslo").test(java.util.Map.of("city", "Oslo"))).isTrue();
        assertThat(new Condition("city", "ne", "Oslo").test(java.util.Map.of())).isTrue();
        assertThat(new Condition("city", "eq", "Oslo").test(java.util.Map.of())).isFalse();
    }
}
