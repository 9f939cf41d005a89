package io.heomdm.gateway;

import io.heomdm.events.Traceparent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/** A customer's profile and messages (personal data: {@code pii:read}), and erasure ({@code admin}). */
final class CustomersResource implements Resource {
    private static final int MESSAGES = 100;

    private final CustomerQueries customers;
    private final AnalyticsQueries analytics;
    private final EventIngestion ingestion;
    private final EventsResource events;
    private final AuditTrail audit;
    private final RandomGenerator random;

    CustomersResource(CustomerQueries customers, AnalyticsQueries analytics, EventIngestion ingestion, EventsResource events, AuditTrail audit,
            RandomGenerator random) {
        this.customers = customers;
        this.analytics = analytics;
        this.ingestion = ingestion;
        this.events = events;
        this.audit = audit;
        this.random = random;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/customers/{customerId}", ctx -> {
            String id = Requests.id(ctx, "customerId");
            Requests.found(ctx, analytics.customer(id), "no customer " + id);
        }, Scope.PII_READ);
        routes.delete("/v1/customers/{customerId}", this::erase, Scope.ADMIN);
        routes.get("/v1/customers/{customerId}/messages", this::messages, Scope.PII_READ);
    }

    /**
     * Erasure is an event: {@code CustomerErased} on the activity log, in order with the customer's
     * other events, so every service forgets them (and writes its tombstones) when it reads it.
     */
    private void erase(Context ctx) throws Exception {
        String customerId = Requests.id(ctx, "customerId");
        String traceparent = Traceparent.isValid(ctx.header("traceparent")) ? ctx.header("traceparent") : Traceparent.newTrace(random);
        var item = ingestion.parse(Requests.JSON.writeValueAsString(Requests.JSON.createObjectNode().put("type", "CustomerErased")
                .set("data", Requests.JSON.createObjectNode().put("customerId", customerId))), traceparent);
        if (!item.isValid()) {
            throw Requests.violations("invalid-event", "Invalid event", "the customer id is not valid", item.violations());
        }
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), "customer.erase", customerId);
        events.publish(ctx, List.of(item), false);
    }

    private void messages(Context ctx) {
        String customerId = Requests.id(ctx, "customerId");
        var body = new LinkedHashMap<String, Object>();
        body.put("customerId", customerId);
        body.put("messages", customers.messages(customerId, MESSAGES));
        body.put("decisions", customers.deliveries(customerId, MESSAGES));
        Requests.json(ctx, 200, body);
    }
}
