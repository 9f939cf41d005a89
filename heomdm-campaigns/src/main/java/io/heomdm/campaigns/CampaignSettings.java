package io.heomdm.campaigns;

import java.time.Duration;
import java.util.List;

/**
 * What the campaign service runs: its journeys, the delivery gate, how often timers are looked at,
 * and the price-drop alert (null: off).
 */
public record CampaignSettings(List<Journey> journeys, GateSettings gate, Duration tick, PriceDropSettings priceDrop) {
    public CampaignSettings {
        journeys = List.copyOf(journeys);
    }
}
