package io.heomdm.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.events.schema.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whatever clients trigger, one customer's campaign state stays bounded, keeping what still matters. */
class CampaignCustomerBoundsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void theNewestSentAndTheMostRecentlyEndedHistoriesAreKept() {
        List<CampaignCustomer.Sent> sent = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            sent.add(new CampaignCustomer.Sent(T0.plusSeconds(i), Channel.EMAIL));
        }
        Map<String, CampaignCustomer.History> history = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            history.put("campaign:c-" + i, new CampaignCustomer.History(1, T0.plusSeconds(i)));
        }
        history.put("journey:running", new CampaignCustomer.History(1, null));
        var customer = new CampaignCustomer(CampaignCustomer.Contact.UNKNOWN, null, sent, Map.of(), history).bounded();

        assertThat(customer.sent()).hasSize(CampaignCustomer.MAX_SENT);
        assertThat(customer.sent().get(customer.sent().size() - 1).at()).isEqualTo(T0.plusSeconds(4_999));
        assertThat(customer.history()).hasSize(CampaignCustomer.MAX_HISTORY);
        assertThat(customer.history()).as("a run not ended is never forgotten").containsKey("journey:running")
                .containsKey("campaign:c-999").doesNotContainKey("campaign:c-0");
    }
}
