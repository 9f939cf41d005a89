package io.heomdm.gateway;

import java.util.Set;

/**
 * The API key a request was made with, as the gateway sees it (never the secret).
 *
 * @param eventTypes the event types the key may post with {@code events:write}; an admin key may post any
 */
public record Principal(String keyId, String name, Set<Scope> scopes, Set<String> eventTypes) {
    public Principal {
        scopes = Set.copyOf(scopes);
        eventTypes = Set.copyOf(eventTypes);
    }

    public boolean mayPost(String eventType) {
        return scopes.contains(Scope.ADMIN) || (scopes.contains(Scope.EVENTS_WRITE) && eventTypes.contains(eventType));
    }
}
