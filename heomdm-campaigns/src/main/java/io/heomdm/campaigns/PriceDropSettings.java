package io.heomdm.campaigns;

import java.time.Duration;

/**
 * The price-drop alert: a customer who viewed a product within {@code viewedWithin} hears of an
 * applied price change that lowered it by at least {@code minDropPercent}, once per product.
 */
public record PriceDropSettings(double minDropPercent, Duration viewedWithin, String template) {
}
