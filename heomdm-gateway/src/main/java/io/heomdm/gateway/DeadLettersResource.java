package io.heomdm.gateway;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** Every dead letter of the platform ({@code admin}): list, show, replay, purge, as {@code heomdm dlq} does. */
final class DeadLettersResource implements Resource {
    private static final int MAX_SHOWN = 1000;
    private final DeadLetterAdmin deadLetters;
    private final AuditTrail audit;

    DeadLettersResource(DeadLetterAdmin deadLetters, AuditTrail audit) {
        this.deadLetters = deadLetters;
        this.audit = audit;
    }

    record Sources(List<DeadLetterAdmin.Source> sources) {
    }

    record Letters(String source, List<DeadLetterAdmin.Letter> letters) {
    }

    record Moved(String source, long count) {
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/dead-letters", ctx -> Requests.json(ctx, 200, new Sources(deadLetters.list())), Scope.ADMIN);
        routes.get("/v1/dead-letters/{source}", ctx -> {
            String source = Requests.id(ctx, "source");
            var letters = deadLetters.show(source, Requests.count(ctx, "max", 20, MAX_SHOWN));
            Requests.json(ctx, 200, new Letters(source, found(letters, source)));
        }, Scope.ADMIN);
        routes.post("/v1/dead-letters/{source}/replay", ctx -> act(ctx, "dead-letters.replay", deadLetters::replay), Scope.ADMIN);
        routes.delete("/v1/dead-letters/{source}", ctx -> act(ctx, "dead-letters.purge", deadLetters::purge), Scope.ADMIN);
    }

    private void act(Context ctx, String action, java.util.function.Function<String, Optional<Long>> what) {
        String source = Requests.id(ctx, "source");
        // recorded first: a replay or purge that fails half-way still shows who started it
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), action, source);
        Requests.json(ctx, 200, new Moved(source, found(what.apply(source), source)));
    }

    private static <T> T found(Optional<T> value, String source) {
        return value.orElseThrow(() -> new ProblemException(Problem.of(404, "not-found", "Not found",
                "no dead letters are kept under '" + source + "'; GET /v1/dead-letters lists where they are")));
    }
}
