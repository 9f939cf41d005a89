/**
 * The analytics layer (DESIGN.md §5): Kafka Streams topologies for customer profiles, RFM and
 * rule-based segments, churn risk and product demand. So far: the segment rule language
 * ({@link io.heomdm.analytics.segments}); the topologies come with the rest of issue 5.
 */
package io.heomdm.analytics;
