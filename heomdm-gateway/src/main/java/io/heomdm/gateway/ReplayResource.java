package io.heomdm.gateway;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilding a service from the log ({@code admin}): started with a POST, followed with GETs, each
 * start in the audit log. The service's queries answer 503 until it has caught up.
 */
final class ReplayResource implements Resource {
    private final Rebuilds rebuilds;
    private final AuditTrail audit;

    ReplayResource(Rebuilds rebuilds, AuditTrail audit) {
        this.rebuilds = rebuilds;
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
                    List.of(new io.heomdm.events.Violation("from", "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z")));
        }
    }

    private ProblemException notFound(String service, String why) {
        return new ProblemException(Problem.of(404, "not-found", "Not found",
                "'" + service + "' " + why + "; services that can be: " + String.join(", ", rebuilds.services())));
    }
}
