package io.heomdm.gateway;

import io.javalin.security.RouteRole;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do; every route declares exactly one. {@code admin} includes every other
 * scope and {@code pii:read} includes {@code read}; {@code events:write} is further limited to the
 * event types the key names. {@link #PUBLIC} routes need no key.
 */
public enum Scope implements RouteRole {
    /** Bare health, the OpenAPI document and its browsable docs. */
    PUBLIC("public"),
    /** POST /v1/events, for the event types the key names. */
    EVENTS_WRITE("events:write"),
    /** Queries without personal data: aggregates, segments, prices, campaign counts, health details, metrics. */
    READ("read"),
    /** Profiles, messages with their recipients, segment members, a customer's recommendations. */
    PII_READ("pii:read"),
    /** Definitions (segments, journeys), price approvals, erasure, keys and the audit log. */
    ADMIN("admin");

    private final String label;

    Scope(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<Scope> byLabel(String label) {
        return Arrays.stream(values()).filter(s -> s != PUBLIC && s.label.equals(label)).findFirst();
    }

    /** Whether a key holding {@code held} may call a route that declares this scope. */
    public boolean grantedBy(Set<Scope> held) {
        return this == PUBLIC || held.contains(ADMIN) || held.contains(this) || (this == READ && held.contains(PII_READ));
    }

    /** Every scope a key can be given. */
    public static Set<Scope> grantable() {
        return EnumSet.complementOf(EnumSet.of(PUBLIC));
    }
}
