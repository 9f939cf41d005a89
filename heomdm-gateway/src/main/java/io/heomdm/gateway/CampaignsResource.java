package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Journeys (the list: {@code read}; definitions: {@code admin}) and a campaign's counts ({@code read}). */
final class CampaignsResource implements Resource {
    private final CustomerQueries customers;
    private final JourneyQueries journeys;
    private final GatewaySettings settings;
    private final AuditTrail audit;

    CampaignsResource(CustomerQueries customers, JourneyQueries journeys, GatewaySettings settings, AuditTrail audit) {
        this.customers = customers;
        this.journeys = journeys;
        this.settings = settings;
        this.audit = audit;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/journeys", ctx -> {
            List<JourneySummary> list = new ArrayList<>();
            var quarantined = journeys.quarantinedJourneys();
            journeys.journeys().forEach((id, source) -> list.add(new JourneySummary(id, source, quarantined.get(id))));
            Requests.json(ctx, 200, new Journeys(list));
        }, Scope.READ);
        routes.post("/v1/journeys", this::define, Scope.ADMIN);
        routes.delete("/v1/journeys/{id}", ctx -> {
            String id = Requests.id(ctx, "id");
            Requests.deleted(ctx, journeys.deleteJourney(id), "journey", id, "campaigns.journeys");
            audit.record(Requests.principal(ctx), Requests.requestId(ctx), "journey.delete", id);
        }, Scope.ADMIN);
        routes.get("/v1/campaigns/{campaignId}/stats", ctx -> {
            String id = Requests.id(ctx, "campaignId");
            JsonNode stats = Requests.JSON.valueToTree(customers.campaignStats(id));
            customers.campaignBudget(id).ifPresent(b -> ((com.fasterxml.jackson.databind.node.ObjectNode) stats).set("budget", Requests.JSON.valueToTree(b)));
            Requests.json(ctx, 200, stats);
        }, Scope.READ);
    }

    private void define(Context ctx) {
        JsonNode definition = Requests.jsonBody(ctx, settings.maxBodyBytes());
        if (!definition.isObject()) {
            throw ProblemException.invalid("invalid-journey", "Invalid journey", "the journey was not defined", "(body)",
                    "must be a JSON object {\"id\": ..., \"journey\": {...}}");
        }
        String id = definition.path("id").isTextual() ? definition.get("id").asText() : null;
        JsonNode journey = definition.get("journey");
        var violations = journeys.define(id, journey);
        if (!violations.isEmpty()) {
            throw Requests.violations("invalid-journey", "Invalid journey", "the journey was not defined", violations);
        }
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), "journey.define", id);
        ctx.header("Location", "/v1/campaigns/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/stats");
        var body = new LinkedHashMap<String, Object>();
        body.put("id", id);
        body.put("journey", journey);
        Requests.json(ctx, 201, body);
    }

    /** Records, not maps: the fields are written in the order the contract shows them, on every run. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record JourneySummary(String id, String source, String quarantined) {
    }

    record Journeys(List<JourneySummary> journeys) {
    }
}
