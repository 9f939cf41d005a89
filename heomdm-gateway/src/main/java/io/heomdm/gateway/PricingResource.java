package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.gateway.Problem.FieldError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Products' demand and prices, price tests ({@code read}) and approvals of recommended prices ({@code admin}). */
final class PricingResource implements Resource {
    private final AnalyticsQueries analytics;
    private final DecisionQueries decisions;
    private final GatewaySettings settings;
    private final AuditTrail audit;

    PricingResource(AnalyticsQueries analytics, DecisionQueries decisions, GatewaySettings settings, AuditTrail audit) {
        this.analytics = analytics;
        this.decisions = decisions;
        this.settings = settings;
        this.audit = audit;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/products/{productId}/demand", ctx -> {
            String id = Requests.id(ctx, "productId");
            Requests.found(ctx, analytics.productDemand(id), "no demand seen for product " + id);
        }, Scope.READ);
        routes.get("/v1/products/{productId}/price", ctx -> {
            String id = Requests.id(ctx, "productId");
            Requests.found(ctx, decisions.price(id, Optional.ofNullable(ctx.queryParam("customerId"))),
                    "product " + id + " has not been priced yet (it needs a catalogue entry and a closed demand window)");
        }, Scope.READ);
        routes.get("/v1/pricing/tests/{testId}", ctx -> {
            String id = Requests.id(ctx, "testId");
            Requests.found(ctx, decisions.priceTest(id), "no price test " + id + " is configured (decisions.pricing.tests)");
        }, Scope.READ);
        routes.post("/v1/pricing/approve", this::approve, Scope.ADMIN);
    }

    /** {@code {"productId": ..., "decisionId": optional, "approvedBy": optional}}: 200 with the applied price, 202 when not applied yet. */
    private void approve(Context ctx) {
        JsonNode request = Requests.jsonBody(ctx, settings.maxBodyBytes());
        List<FieldError> errors = new ArrayList<>();
        if (!request.isObject()) {
            errors.add(new FieldError(null, "(body)", "must be a JSON object {\"productId\": ..., \"decisionId\": ...}"));
        } else {
            if (!request.path("productId").isTextual() || request.get("productId").asText().isBlank() || request.get("productId").asText().length() > 200) {
                errors.add(new FieldError(null, "productId", "is required: the product whose recommended price is approved (at most 200 characters)"));
            }
            for (String optional : List.of("decisionId", "approvedBy")) {
                JsonNode value = request.get(optional);
                if (value != null && !value.isNull() && (!value.isTextual() || value.asText().length() > 200)) {
                    errors.add(new FieldError(null, optional, "must be a string of at most 200 characters when given"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(400, "invalid-approval", "Invalid approval", "nothing was approved").withErrors(errors));
        }
        String productId = request.get("productId").asText();
        String approvedBy = textOrNull(request, "approvedBy");
        var answer = decisions.approve(productId, textOrNull(request, "decisionId"),
                approvedBy != null ? approvedBy : Requests.principal(ctx).name());
        if (answer.status() >= 400) {
            throw new ProblemException(Problem.of(answer.status(), answer.status() == 404 ? "not-found" : "nothing-pending",
                    answer.status() == 404 ? "Not found" : "Nothing to approve", answer.detail()));
        }
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), "price.approve", productId);
        Requests.json(ctx, answer.status(), answer.body());
    }

    private static String textOrNull(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }
}
