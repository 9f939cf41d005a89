package io.heomdm.gateway;

/** A product recommended to a customer, its score, and where it came from. */
public record Recommendation(String productId, double score, String source) {
}
