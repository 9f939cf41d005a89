package io.heomdm.gateway;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Optional;

/** A customer's recommendations (their behaviour: {@code pii:read}) and a product's neighbours ({@code read}). */
final class RecommendationsResource implements Resource {
    private static final int MAX_RECOMMENDATIONS = 100;
    private final DecisionQueries decisions;

    RecommendationsResource(DecisionQueries decisions) {
        this.decisions = decisions;
    }

    @Override
    public void routes(RoutesConfig routes) {
        // ?n=10&category=C: the customer's recommendations, each with its score and where it came from
        routes.get("/v1/customers/{customerId}/recommendations", ctx -> {
            String customerId = Requests.id(ctx, "customerId");
            int n = Requests.count(ctx, "n", 10, MAX_RECOMMENDATIONS);
            var body = new LinkedHashMap<String, Object>();
            body.put("customerId", customerId);
            body.put("recommendations", decisions.recommendations(customerId, n, Optional.ofNullable(ctx.queryParam("category"))));
            Requests.json(ctx, 200, body);
        }, Scope.PII_READ);
        // ?kind=bought-together|viewed-together&n=10: the product's neighbours, scored
        routes.get("/v1/products/{productId}/related", ctx -> {
            String productId = Requests.id(ctx, "productId");
            String kind = Optional.ofNullable(ctx.queryParam("kind")).orElse("bought-together");
            if (!kind.equals("bought-together") && !kind.equals("viewed-together")) {
                throw ProblemException.invalid("invalid-query", "Invalid query", "the query is not valid", "kind", "must be bought-together or viewed-together");
            }
            int n = Requests.count(ctx, "n", 10, MAX_RECOMMENDATIONS);
            var list = decisions.related(productId, kind, n)
                    .orElseThrow(() -> new ProblemException(Problem.of(404, "not-found", "Not found", "no product " + productId + " in the catalogue")));
            var body = new LinkedHashMap<String, Object>();
            body.put("productId", productId);
            body.put("kind", kind);
            body.put("related", list);
            Requests.json(ctx, 200, body);
        }, Scope.READ);
    }
}
