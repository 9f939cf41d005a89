package io.heomdm.gateway;

import java.util.List;
import java.util.Optional;

/** What the gateway can ask the decision services (pricing, recommendations); the launcher wires in the implementation. */
public interface DecisionQueries {
    /**
     * A product's current price, mode, pending recommendation and latest decisions with their trails; empty if never priced.
     * With a customer in a running price test, the price is their arm's.
     */
    Optional<PriceResponse> price(String productId, Optional<String> customerId);

    /** A price test's arms and what their exposed customers did; empty if no such test is configured. */
    Optional<PriceTestResponse> priceTest(String testId);

    /** Approves a recommended price ({@code decisionId} null: whichever is pending). */
    Approval approve(String productId, String decisionId, String approvedBy);

    /**
     * @param status   200 applied, 202 written but not applied yet, 404 no such product, 409 nothing (or another decision) pending
     * @param price    with 200: the price after approval
     * @param decision with 202: the decision written
     * @param detail   what went wrong, for 404 and 409
     */
    record Approval(int status, PriceResponse price, PriceResponse.Decision decision, String detail) {
        public static Approval applied(PriceResponse price) {
            return new Approval(200, price, null, null);
        }

        public static Approval queued(PriceResponse.Decision decision) {
            return new Approval(202, null, decision, null);
        }

        public static Approval refused(int status, String detail) {
            return new Approval(status, null, null, detail);
        }

        /** What the answer's body holds: the price, the decision, or nothing. */
        public Object body() {
            return price != null ? price : decision;
        }
    }

    List<Recommendation> recommendations(String customerId, int n, Optional<String> category);

    /** Empty when the product is not in the catalogue. */
    Optional<List<RelatedProduct>> related(String productId, String kind, int n);

    /** For a platform run with the decision services disabled: every query is answered 503. */
    DecisionQueries DISABLED = new DecisionQueries() {
        private static final String OFF = "the decision services are disabled (decisions.enabled: false)";

        @Override
        public Optional<PriceResponse> price(String productId, Optional<String> customerId) {
            throw new Unavailable("decisions", OFF);
        }

        @Override
        public Optional<PriceTestResponse> priceTest(String testId) {
            throw new Unavailable("decisions", OFF);
        }

        @Override
        public Approval approve(String productId, String decisionId, String approvedBy) {
            throw new Unavailable("decisions", OFF);
        }

        @Override
        public List<Recommendation> recommendations(String customerId, int n, Optional<String> category) {
            throw new Unavailable("decisions", OFF);
        }

        @Override
        public Optional<List<RelatedProduct>> related(String productId, String kind, int n) {
            throw new Unavailable("decisions", OFF);
        }
    };
}
