package io.heomdm.gateway;

import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.storage.CustomerMessages.CustomerMessage;
import java.util.List;
import java.util.Optional;

/** What the gateway can ask about customers and the messages sent to them; the launcher wires in the implementation. */
public interface CustomerQueries {
    List<CustomerMessage> messages(String customerId, int limit);

    /** The delivery gate's decisions for the customer (sent, deferred until T, suppressed because R), newest first. */
    List<CampaignDeliveries.Delivery> deliveries(String customerId, int limit);

    /** What a journey or campaign (by its id) decided, counted. */
    CampaignDeliveries.Stats campaignStats(String id);

    /** A marketer's campaign's daily cap and budget (held, spent, admitted today); empty for a journey or a campaign without either. */
    Optional<CampaignBudgets.Budget> campaignBudget(String id);
}
