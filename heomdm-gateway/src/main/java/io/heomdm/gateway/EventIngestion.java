package io.heomdm.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.EventKind;
import io.heomdm.events.EventType;
import io.heomdm.events.InvalidPayloadException;
import io.heomdm.events.JsonPayloads;
import io.heomdm.events.Violation;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns the JSON the gateway receives into events ready to publish, or into the list of every rule
 * the input breaks. Pure: no I/O. Thread-safe.
 *
 * <p>An incoming event is {@code {"type": "OrderPlaced", "data": {...}}} plus, optionally,
 * {@code eventId} (a client retrying sends the same one, and consumers deduplicate on it),
 * {@code schemaVersion}, {@code occurredAt} and {@code correlationId}.
 */
public final class EventIngestion {
    private static final Set<String> ENVELOPE_FIELDS = Set.of("eventId", "type", "schemaVersion", "occurredAt", "correlationId", "data");
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Decimals read exactly (and 1e400 as a number too large, not as an infinite double). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final EventIds ids;
    private final InstantSource clock;

    public EventIngestion(EventIds ids, InstantSource clock) {
        this.ids = ids;
        this.clock = clock;
    }

    /** An event ready to publish, and where to; {@code payload} is its Avro encoding, made once for the fingerprint and the log. */
    public record Accepted(TopicSpec topic, Event<SpecificRecord> event, byte[] payload) {
    }

    /** The result for one input item: an accepted event, or its violations. */
    public record Item(Accepted accepted, List<Violation> violations) {
        public boolean isValid() {
            return violations.isEmpty();
        }
    }

    public Item parse(String json, String traceparent) {
        byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(utf8, 0, utf8.length, traceparent);
    }

    /** One event from {@code length} bytes of UTF-8 at {@code offset}: read straight from the request's bytes, no string in between. */
    public Item parse(byte[] utf8, int offset, int length, String traceparent) {
        return parse(utf8, offset, length, traceparent, null);
    }

    /** @param idempotentId the eventId an {@code Idempotency-Key} stands for; then the event itself must not carry one */
    public Item parse(byte[] utf8, int offset, int length, String traceparent, UUID idempotentId) {
        JsonNode node;
        try {
            node = JSON.readTree(utf8, offset, length);
        } catch (java.io.IOException e) {
            return invalid(new Violation("$", "must be valid JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())));
        }
        if (node == null || !node.isObject()) {
            return invalid(new Violation("$", "must be a JSON object"));
        }
        return read(node, traceparent, idempotentId);
    }

    private Item read(JsonNode node, String traceparent, UUID idempotentId) {
        List<Violation> violations = new ArrayList<>();
        checkEnvelopeFields(node, violations);
        EventType<SpecificRecord> type = readType(node.get("type"), violations);
        UUID eventId = readEventId(node.get("eventId"), violations);
        if (idempotentId != null && node.hasNonNull("eventId")) {
            violations.add(new Violation("eventId", "must not be sent with an Idempotency-Key header: the key names the event; send one of them"));
        }
        Instant occurredAt = readOccurredAt(node.get("occurredAt"), violations);
        String correlationId = readCorrelationId(node.get("correlationId"), violations);
        JsonNode version = node.get("schemaVersion");
        if (type != null && version != null && !(version.isInt() && version.intValue() == type.version())) {
            violations.add(new Violation("schemaVersion", "must be " + type.version() + ", the version of " + type.name() + " this gateway accepts"));
        }
        SpecificRecord payload = readPayload(type, node.get("data"), violations);
        if (!violations.isEmpty()) {
            return new Item(null, List.copyOf(violations));
        }
        UUID id = eventId != null ? eventId : idempotentId != null ? idempotentId : ids.next();
        var envelope = new Envelope(id, type.name(), type.version(), type.keyOf(payload), occurredAt,
                correlationId != null ? correlationId : id.toString(), null, traceparent);
        TopicSpec topic = MarketTopics.forType(type.name()).orElseThrow();
        return new Item(new Accepted(topic, new Event<>(envelope, payload), AvroCodec.encode(payload)), List.of());
    }

    private static void checkEnvelopeFields(JsonNode node, List<Violation> out) {
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ENVELOPE_FIELDS.contains(name)) {
                out.add(new Violation(name, "is not an envelope field; allowed: " + String.join(", ", ENVELOPE_FIELDS.stream().sorted().toList())));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static EventType<SpecificRecord> readType(JsonNode typeNode, List<Violation> out) {
        if (typeNode == null || !typeNode.isTextual()) {
            out.add(new Violation("type", "is required: the name of an event type such as OrderPlaced"));
            return null;
        }
        var type = EventCatalog.byName(typeNode.textValue()).filter(t -> t.kind() == EventKind.EVENT);
        if (type.isEmpty()) {
            out.add(new Violation("type", "must be one of " + String.join(", ",
                    EventCatalog.all().stream().filter(t -> t.kind() == EventKind.EVENT).map(EventType::name).toList())));
            return null;
        }
        return (EventType<SpecificRecord>) type.get();
    }

    private static SpecificRecord readPayload(EventType<SpecificRecord> type, JsonNode data, List<Violation> out) {
        if (data == null || !data.isObject()) {
            out.add(new Violation("data", "is required: an object with the fields of the event"));
            return null;
        }
        if (type == null) {
            return null;
        }
        try {
            return JsonPayloads.fromJson(type, data, "data");
        } catch (InvalidPayloadException e) {
            out.addAll(e.violations());
            return null;
        }
    }

    private static UUID readEventId(JsonNode n, List<Violation> out) {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            if (n.isTextual()) {
                return UUID.fromString(n.textValue());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        out.add(new Violation("eventId", "must be a UUID (best a UUIDv7); leave it out to have one assigned"));
        return null;
    }

    private Instant readOccurredAt(JsonNode n, List<Violation> out) {
        Instant now = clock.instant();
        if (n == null || n.isNull()) {
            return now;
        }
        try {
            if (n.isTextual()) {
                Instant at = Instant.parse(n.textValue());
                if (at.isBefore(Instant.EPOCH)) {
                    out.add(new Violation("occurredAt", "must not be before 1970-01-01T00:00:00Z"));
                    return now;
                }
                if (at.isAfter(now.plus(MAX_CLOCK_SKEW))) {
                    out.add(new Violation("occurredAt", "must not be more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes in the future"));
                }
                return at;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        out.add(new Violation("occurredAt", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z"));
        return now;
    }

    private static String readCorrelationId(JsonNode n, List<Violation> out) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual() && !n.textValue().isBlank() && n.textValue().length() <= 100) {
            return n.textValue();
        }
        out.add(new Violation("correlationId", "must be a non-blank string of at most 100 characters"));
        return null;
    }

    private static Item invalid(Violation v) {
        return new Item(null, List.of(v));
    }
}
