package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.analytics.Analytics;
import io.heomdm.decisions.Decisions;
import io.heomdm.campaigns.Campaigns;
import io.heomdm.eventlog.streams.Deletion;
import io.heomdm.events.Violation;
import io.heomdm.gateway.AnalyticsQueries;
import io.heomdm.gateway.CustomerResponse;
import io.heomdm.gateway.DemandResponse;
import io.heomdm.gateway.DecisionQueries;
import io.heomdm.gateway.JourneyQueries;
import io.heomdm.gateway.PriceResponse;
import io.heomdm.gateway.PriceTestResponse;
import io.heomdm.gateway.Recommendation;
import io.heomdm.gateway.RelatedProduct;
import io.heomdm.gateway.SegmentMembersResponse;
import io.heomdm.gateway.Unavailable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** The services' read side as the gateway asks it: each answer mapped to the API's records ({@link Responses}), a store on the move answered 503. */
final class ServiceQueries {
    private ServiceQueries() {
    }

    /** The analytics layer as the gateway asks it; stores on the move in a rebalance answer 503, not 500. */
    static AnalyticsQueries of(Analytics analytics) {
        return new AnalyticsQueries() {
            @Override
            public Optional<CustomerResponse> customer(String customerId) {
                return unlessMoving("analytics", () -> analytics.customer(customerId)).map(Responses::customer);
            }

            @Override
            public Map<String, String> segments() {
                return analytics.segments();
            }

            @Override
            public List<Violation> defineSegment(String name, JsonNode rule) {
                return unlessMoving("analytics", () -> analytics.defineSegment(name, rule));
            }

            @Override
            public Map<String, String> quarantinedSegments() {
                return analytics.quarantined();
            }

            @Override
            public Deletion deleteSegment(String name) {
                return unlessMoving("analytics", () -> analytics.deleteSegment(name));
            }

            @Override
            public Optional<SegmentMembersResponse> members(String segment, Optional<String> after, int limit) {
                return unlessMoving("analytics", () -> analytics.members(segment, after, limit)).map(Responses::members);
            }

            @Override
            public Optional<DemandResponse> productDemand(String productId) {
                return unlessMoving("analytics", () -> analytics.demand(productId)).map(Responses::demand);
            }

        };
    }

    /** The decision services as the gateway asks them. */
    static DecisionQueries of(Decisions decisions) {
        return new DecisionQueries() {
            @Override
            public Optional<PriceResponse> price(String productId, Optional<String> customerId) {
                return unlessMoving("decisions", () -> decisions.price(productId, customerId)).map(Responses::price);
            }

            @Override
            public Optional<PriceTestResponse> priceTest(String testId) {
                return unlessMoving("decisions", () -> decisions.priceTest(testId)).map(Responses::priceTest);
            }

            @Override
            public Approval approve(String productId, String decisionId, String approvedBy) {
                Decisions.Approval answer = unlessMoving("decisions", () -> decisions.approve(productId, decisionId, approvedBy));
                if (answer instanceof Decisions.Approval.Applied a) {
                    return Approval.applied(Responses.price(a.price()));
                } else if (answer instanceof Decisions.Approval.Queued q) {
                    return Approval.queued(Responses.decision(q.decision()));
                } else if (answer instanceof Decisions.Approval.NotPending n) {
                    return Approval.refused(409, n.pending() == null ? "no recommended price is pending for " + n.productId()
                            : "the pending recommendation for " + n.productId() + " is " + n.pending().decisionId());
                }
                return Approval.refused(404, "product " + productId + " has not been priced");
            }

            @Override
            public List<Recommendation> recommendations(String customerId, int n, Optional<String> category) {
                return unlessMoving("decisions", () -> decisions.recommendations(customerId, n, category)).stream().map(Responses::recommendation)
                        .toList();
            }

            @Override
            public Optional<List<RelatedProduct>> related(String productId, String kind, int n) {
                return unlessMoving("decisions", () -> decisions.related(productId, kind, n)).map(list -> list.stream().map(Responses::related).toList());
            }
        };
    }

    /**
     * Stores on the move in a rebalance, and a definition (or its deletion) Kafka did not acknowledge
     * in time, answer 503, not 500.
     */
    private static <T> T unlessMoving(String service, java.util.function.Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw new Unavailable(service, service + " stores are not ready (starting or rebalancing): " + e.getMessage());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) {
                throw new Unavailable(service, "the event log did not acknowledge in time (" + e.getCause().getMessage() + "); retry shortly");
            }
            throw e;
        }
    }

    /** The campaign service's journeys as the gateway asks them. */
    static JourneyQueries of(Campaigns campaigns) {
        return new JourneyQueries() {
            @Override
            public List<Violation> define(String id, JsonNode journey) {
                return unlessMoving("campaigns", () -> campaigns.defineJourney(id, journey));
            }

            @Override
            public Map<String, String> journeys() {
                return unlessMoving("campaigns", campaigns::journeys);
            }

            @Override
            public Deletion deleteJourney(String id) {
                return unlessMoving("campaigns", () -> campaigns.deleteJourney(id));
            }

            @Override
            public Map<String, String> quarantinedJourneys() {
                return campaigns.quarantined();
            }
        };
    }
}
