package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.eventlog.streams.Deletion;
import io.heomdm.events.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway can ask the analytics layer; the launcher wires in the implementation and maps
 * the service's values to the API's response records.
 */
public interface AnalyticsQueries {
    /** Profile, scores and segments; empty for a customer never seen (or erased). */
    Optional<CustomerResponse> customer(String customerId);

    /** Every segment's name and kind ("rule" or "rfm"). */
    Map<String, String> segments();

    /** The segments taken out of evaluation because their rule threw, with the error. */
    Map<String, String> quarantinedSegments();

    /** Deletes a segment defined through the API. */
    Deletion deleteSegment(String name);

    /**
     * Defines (or defines again) a segment through the API; the rule's violations, each named by its
     * path ({@code rule.and[1].pastEvent.days}), or nothing when it was accepted and written.
     */
    List<Violation> defineSegment(String name, JsonNode rule);

    /** A page of a segment's members after {@code after}; empty when there is no such segment. */
    Optional<SegmentMembersResponse> members(String segment, Optional<String> after, int limit);

    /** A product's current demand windows and forecast; empty for a product never seen. */
    Optional<DemandResponse> productDemand(String productId);

    /** For a platform run with analytics disabled: every query is answered 503. */
    AnalyticsQueries DISABLED = new AnalyticsQueries() {
        @Override
        public Optional<CustomerResponse> customer(String customerId) {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }

        @Override
        public Map<String, String> segments() {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }

        @Override
        public List<Violation> defineSegment(String name, JsonNode rule) {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }

        @Override
        public Map<String, String> quarantinedSegments() {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }

        @Override
        public Deletion deleteSegment(String name) {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }

        @Override
        public Optional<SegmentMembersResponse> members(String segment, Optional<String> after, int limit) {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }

        @Override
        public Optional<DemandResponse> productDemand(String productId) {
            throw new Unavailable("analytics", "analytics is disabled (analytics.enabled: false)");
        }
    };
}
