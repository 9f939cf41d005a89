package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Segments: the list ({@code read}), definitions ({@code admin}) and members ({@code pii:read}). */
final class SegmentsResource implements Resource {
    private static final int MAX_PAGE = 1000;

    private final AnalyticsQueries analytics;
    private final GatewaySettings settings;
    private final AuditTrail audit;

    SegmentsResource(AnalyticsQueries analytics, GatewaySettings settings, AuditTrail audit) {
        this.analytics = analytics;
        this.settings = settings;
        this.audit = audit;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/segments", ctx -> {
            List<SegmentSummary> list = new ArrayList<>();
            var quarantined = analytics.quarantinedSegments();
            analytics.segments().forEach((name, kind) -> list.add(new SegmentSummary(name, kind, quarantined.get(name))));
            Requests.json(ctx, 200, new Segments(list));
        }, Scope.READ);
        routes.delete("/v1/segments/{name}", ctx -> {
            String name = Requests.id(ctx, "name");
            Requests.deleted(ctx, analytics.deleteSegment(name), "segment", name, "analytics.segments");
            audit.record(Requests.principal(ctx), Requests.requestId(ctx), "segment.delete", name);
        }, Scope.ADMIN);
        routes.post("/v1/segments", this::define, Scope.ADMIN);
        routes.get("/v1/segments/{name}/members", this::members, Scope.PII_READ);
    }

    /** {@code {"name": ..., "rule": {...}}}: 201 when written, 400 naming every broken rule by its path into the tree. */
    private void define(Context ctx) {
        JsonNode definition = Requests.jsonBody(ctx, settings.maxBodyBytes());
        if (!definition.isObject()) {
            throw ProblemException.invalid("invalid-segment", "Invalid segment", "the segment was not defined", "(body)",
                    "must be a JSON object {\"name\": ..., \"rule\": {...}}");
        }
        String name = definition.path("name").isTextual() ? definition.get("name").asText() : null;
        var violations = analytics.defineSegment(name, definition.get("rule"));
        if (!violations.isEmpty()) {
            throw Requests.violations("invalid-segment", "Invalid segment", "the segment was not defined", violations);
        }
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), "segment.define", name);
        ctx.header("Location", "/v1/segments/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "/members");
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("rule", definition.get("rule"));
        Requests.json(ctx, 201, body);
    }

    /** {@code ?after=ID&limit=N}: a page of members in customerId order, with the {@code after} of the next page. */
    private void members(Context ctx) {
        String segment = Requests.id(ctx, "name");
        int limit = Requests.count(ctx, "limit", 100, MAX_PAGE);
        Requests.found(ctx, analytics.members(segment, Optional.ofNullable(ctx.queryParam("after")), limit),
                "no segment " + segment + " (GET /v1/segments lists them)");
    }

    /** Records, not maps: the fields are written in the order the contract shows them, on every run. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record SegmentSummary(String name, String kind, String quarantined) {
    }

    record Segments(List<SegmentSummary> segments) {
    }
}
