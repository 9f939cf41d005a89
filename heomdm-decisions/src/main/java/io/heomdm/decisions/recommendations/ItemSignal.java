package io.heomdm.decisions.recommendations;

import java.util.List;

/**
 * What a customer's event means for one item, sent to the item's partition.
 *
 * @param kind        viewed-together or bought-together, with the co-occurring {@code others}; null for a trend signal alone
 * @param newBasket   whether this basket is new for the item (counts towards its basket total)
 * @param interaction view, cart or order: what the trend counts; null for none
 * @param cause       the eventId of the customer's event, from which the ids of what this causes are derived
 */
public record ItemSignal(String kind, boolean newBasket, List<String> others, String interaction, double weight, String cause) {
}
