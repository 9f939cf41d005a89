package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventKind;
import io.heomdm.events.EventType;
import io.heomdm.gateway.Problem.FieldError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** API keys over the API ({@code admin}): the same as {@code heomdm keys}, each action audited. */
final class KeysResource implements Resource {
    private static final Set<String> POSTABLE = EventCatalog.all().stream().filter(t -> t.kind() == EventKind.EVENT).map(EventType::name)
            .collect(Collectors.toSet());
    private static final int MAX_DAYS = 3650;

    private final KeyAdmin keys;
    private final AuditTrail audit;

    KeysResource(KeyAdmin keys, AuditTrail audit) {
        this.keys = keys;
        this.audit = audit;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/keys", ctx -> Requests.json(ctx, 200, Map.of("keys", keys.list())), Scope.ADMIN);
        routes.post("/v1/keys", this::create, Scope.ADMIN);
        routes.delete("/v1/keys/{keyId}", ctx -> {
            String id = Requests.id(ctx, "keyId");
            if (!keys.revoke(id)) {
                throw new ProblemException(Problem.of(404, "not-found", "Not found", "no active key " + id));
            }
            audit.record(Requests.principal(ctx), Requests.requestId(ctx), "key.revoke", id);
            ctx.status(204);
        }, Scope.ADMIN);
    }

    /** {@code {"name": ..., "scopes": [...], "eventTypes": [...], "expiresInDays": n}}: 201 with the key, shown once. */
    private void create(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx, 64 * 1024);
        List<FieldError> errors = new ArrayList<>();
        String name = body.path("name").isTextual() ? body.get("name").asText() : null;
        if (name == null || name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(null, "name", "is required: 1 to 100 characters naming who or what uses the key"));
        }
        Set<Scope> scopes = new LinkedHashSet<>();
        if (!body.path("scopes").isArray() || body.get("scopes").isEmpty()) {
            errors.add(new FieldError(null, "scopes", "is required: a list of " + labels()));
        } else {
            for (int i = 0; i < body.get("scopes").size(); i++) {
                var scope = Scope.byLabel(body.get("scopes").get(i).asText());
                if (scope.isEmpty()) {
                    errors.add(new FieldError(null, "scopes[" + i + "]", "must be one of " + labels()));
                } else {
                    scopes.add(scope.get());
                }
            }
        }
        Set<String> types = new LinkedHashSet<>();
        JsonNode typesNode = body.path("eventTypes");
        if (!typesNode.isMissingNode() && !typesNode.isArray()) {
            errors.add(new FieldError(null, "eventTypes", "must be a list of event types"));
        } else {
            for (int i = 0; i < typesNode.size(); i++) {
                String type = typesNode.get(i).asText();
                if (!POSTABLE.contains(type)) {
                    errors.add(new FieldError(null, "eventTypes[" + i + "]", "must be one of " + POSTABLE.stream().sorted().toList()));
                }
                types.add(type);
            }
        }
        Optional<Integer> days = Optional.empty();
        if (body.has("expiresInDays") && !body.get("expiresInDays").isNull()) {
            JsonNode d = body.get("expiresInDays");
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 1 || d.intValue() > MAX_DAYS) {
                errors.add(new FieldError(null, "expiresInDays", "must be a whole number from 1 to " + MAX_DAYS));
            } else {
                days = Optional.of(d.intValue());
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(400, "invalid-key", "Invalid key", "no key was created").withErrors(errors));
        }
        var created = keys.create(name, scopes, types, days.map(Duration::ofDays));
        audit.record(Requests.principal(ctx), Requests.requestId(ctx), "key.create", created.info().id());
        var answer = new LinkedHashMap<String, Object>();
        answer.put("key", created.key());
        answer.put("id", created.info().id());
        answer.put("name", created.info().name());
        answer.put("scopes", created.info().scopes());
        answer.put("eventTypes", created.info().eventTypes());
        answer.put("expiresAt", created.info().expiresAt());
        ctx.header("Cache-Control", "no-store");
        Requests.json(ctx, 201, answer);
    }

    private static List<String> labels() {
        return Scope.grantable().stream().map(Scope::label).toList();
    }
}
