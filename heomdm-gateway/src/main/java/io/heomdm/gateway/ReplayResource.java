package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.events.Violation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Working with the log ({@code admin}): rebuilding a service from it (its queries answer 503 until it
 * has caught up) and copying selected events to a topic. Each is started with a POST, runs in the
 * background, is followed with GETs, and is in the audit log.
 */
final class ReplayResource implements Resource {
    private static final int MAX_BODY = 4096;
    private final Rebuilds rebuilds;
    private final EventCopies copies;
    private final AuditTrail audit;

    ReplayResource(Rebuilds rebuilds, EventCopies copies, AuditTrail audit) {
        this.rebuilds = rebuilds;
        this.copies = copies;
        this.audit = audit;
    }

    record Services(List<String> services) {
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/replay/rebuilds", ctx -> Requests.json(ctx, 200, new Services(rebuilds.services())), Scope.ADMIN);
        routes.get("/v1/replay/rebuilds/{service}", ctx -> {
            String service = Requests.id(ctx, "service");
            Requests.json(ctx, 200, rebuilds.status(service).orElseThrow(() -> notFound(service, "has never been rebuilt here")));
        }, Scope.ADMIN);
        routes.post("/v1/replay/rebuilds/{service}", this::start, Scope.ADMIN);
        routes.post("/v1/replay/copies", this::copy, Scope.ADMIN);
        routes.get("/v1/replay/copies/{id}", ctx -> {
            String id = Requests.id(ctx, "id");
            Requests.json(ctx, 200, copies.status(id).orElseThrow(() -> new ProblemException(Problem.of(404, "not-found", "Not found",
                    "no copy '" + id + "' was started here since the platform started"))));
        }, Scope.ADMIN);
    }

    /** Checked whole before anything is read: every field at fault is named at once. */
    private void copy(Context ctx) {
        var body = Requests.jsonBody(ctx, MAX_BODY);
        List<Violation> violations = new ArrayList<>();
        if (!body.isObject()) {
            throw Requests.violations("invalid-copy", "Invalid copy", "the copy was not started",
                    List.of(new Violation("body", "must be a JSON object naming at least topic and toTopic")));
        }
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!COPY_FIELDS.contains(name)) {
                violations.add(new Violation(name, "is not a field of a copy; allowed: " + String.join(", ", COPY_FIELDS)));
            }
        }
        var request = new EventCopies.CopyRequest(text(body, "topic"), text(body, "toTopic"), instant(body, "from", violations),
                instant(body, "to", violations), text(body, "key"), text(body, "type"), body.path("dryRun").asBoolean(false));
        if (body.has("dryRun") && !body.get("dryRun").isBoolean()) {
            violations.add(new Violation("dryRun", "must be true or false"));
        }
        violations.addAll(copies.check(request));
        if (!violations.isEmpty()) {
            throw Requests.violations("invalid-copy", "Invalid copy", "the copy was not started", violations);
        }
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), request.dryRun() ? "replay.copy.dry-run" : "replay.copy",
                request.topic() + " -> " + request.toTopic());
        var status = copies.start(request);
        ctx.header("Location", "/v1/replay/copies/" + status.id());
        Requests.json(ctx, 202, status);
    }

    private static final List<String> COPY_FIELDS = List.of("topic", "toTopic", "from", "to", "key", "type", "dryRun");

    private static String text(JsonNode body, String field) {
        var node = body.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Instant instant(JsonNode body, String field, List<Violation> violations) {
        String raw = text(body, field);
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            violations.add(new Violation(field, "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z"));
            return null;
        }
    }

    private void start(Context ctx) {
        String service = Requests.id(ctx, "service");
        Optional<Instant> from = from(ctx.queryParam("from"));
        if (!rebuilds.services().contains(service)) {
            throw notFound(service, "is not a service that can be rebuilt");
        }
        // recorded first: a rebuild that fails half-way still shows who started it
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), "replay.rebuild", service + from.map(f -> " from " + f).orElse(""));
        try {
            var status = rebuilds.start(service, from).orElseThrow(() -> notFound(service, "is not a service that can be rebuilt"));
            ctx.header("Location", "/v1/replay/rebuilds/" + service);
            Requests.json(ctx, 202, status);
        } catch (Rebuilds.AlreadyRebuilding e) {
            throw new ProblemException(Problem.of(409, "already-rebuilding", "Already rebuilding", e.getMessage()));
        }
    }

    private static Optional<Instant> from(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(raw));
        } catch (DateTimeParseException e) {
            throw Requests.violations("invalid-parameter", "Invalid parameter", "the query parameter 'from' is not an instant",
                    List.of(new Violation("from", "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z")));
        }
    }

    private ProblemException notFound(String service, String why) {
        return new ProblemException(Problem.of(404, "not-found", "Not found",
                "'" + service + "' " + why + "; services that can be: " + String.join(", ", rebuilds.services())));
    }
}
