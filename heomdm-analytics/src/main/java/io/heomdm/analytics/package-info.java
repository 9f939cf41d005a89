/**
 * The analytics layer (DESIGN.md §5): Kafka Streams topologies for customer profiles, RFM and
 * rule-based segments, churn risk and product demand. Built by issue 5; empty until then.
 */
package io.heomdm.analytics;
