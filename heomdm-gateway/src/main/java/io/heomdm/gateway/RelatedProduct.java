package io.heomdm.gateway;

/** A product's neighbour: how often the two were bought (or viewed) together, and the score. */
public record RelatedProduct(String productId, long together, double score) {
}
