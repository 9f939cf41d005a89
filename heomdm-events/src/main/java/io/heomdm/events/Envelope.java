package io.heomdm.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity, ordering key and trace of one fact or task, the same on every transport.
 *
 * <p>{@code eventId} is unique per fact (UUIDv7) and is what every consumer deduplicates on.
 * {@code correlationId} names the chain a fact belongs to (the eventId of the fact that started
 * it), {@code causationId} the fact that directly caused this one; both are {@code null} only
 * for a fact that starts a chain and was never given one.
 */
public record Envelope(
        UUID eventId,
        String type,
        int schemaVersion,
        String key,
        Instant occurredAt,
        String correlationId,
        String causationId,
        String traceparent) {

    public Envelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1, was " + schemaVersion);
        }
    }

    /** The envelope of a fact caused by this one: same correlation and trace, new identity. */
    public Envelope causing(UUID childId, String childType, int childVersion, String childKey, Instant at) {
        String correlation = correlationId != null ? correlationId : eventId.toString();
        return new Envelope(childId, childType, childVersion, childKey, at, correlation, eventId.toString(), traceparent);
    }
}
