package io.heomdm.gateway;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What the gateway can ask about customers and the messages sent to them; the launcher wires in the implementation. */
public interface CustomerQueries {
    List<Message> messages(String customerId, int limit);

    /** The delivery gate's decisions for the customer (sent, deferred until T, suppressed because R), newest first. */
    List<Delivery> deliveries(String customerId, int limit);

    /** What a journey or campaign (by its id) decided, counted. */
    CampaignStats campaignStats(String id);

    /** A marketer's campaign's daily cap and budget (held, spent, admitted today); empty for a journey or a campaign without either. */
    Optional<Budget> campaignBudget(String id);

    /** One message sent to a customer; {@code messageId} is the eventId of the task that sent it. */
    record Message(UUID messageId, String customerId, String channel, String recipient, String template, String subject, String status,
            String correlationId, String traceparent, Instant createdAt) {
    }

    /** @param source journey:&lt;id&gt; or campaign:&lt;id&gt; */
    record Delivery(UUID decisionId, UUID deliveryId, String customerId, String source, String step, String channel, String template,
            String outcome, String reason, Instant deferredUntil, Instant decidedAt) {
    }

    /** Counts per outcome, and per reason of the deferred and suppressed. */
    record CampaignStats(String id, Map<String, Long> outcomes, Map<String, Long> reasons) {
    }

    record Budget(String campaignId, String accountId, BigDecimal budget, Integer dailyCap, String currency, BigDecimal reserved,
            BigDecimal spent, int admittedToday) {
    }
}
