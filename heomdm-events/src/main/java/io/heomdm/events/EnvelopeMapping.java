package io.heomdm.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * How an {@link Envelope} travels on each transport, as plain string maps that the Kafka and SQS
 * adapters copy into record headers and message attributes.
 *
 * <p>On Kafka the key is the record key and {@code occurredAt} the record timestamp, so five
 * headers suffice. SQS allows ten message attributes per message; the envelope takes at most
 * seven, leaving three to applications.
 */
public final class EnvelopeMapping {
    public static final String EVENT_ID = "heomdm-event-id";
    public static final String TYPE = "heomdm-type";
    public static final String KEY = "heomdm-key";
    public static final String OCCURRED_AT = "heomdm-occurred-at";
    public static final String CORRELATION_ID = "heomdm-correlation-id";
    public static final String CAUSATION_ID = "heomdm-causation-id";
    public static final String TRACEPARENT = "traceparent";
    public static final int SQS_ATTRIBUTE_LIMIT = 10;

    private EnvelopeMapping() {
    }

    public static Map<String, String> kafkaHeaders(Envelope e) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(EVENT_ID, e.eventId().toString());
        h.put(TYPE, qualifiedType(e));
        putIfPresent(h, CORRELATION_ID, e.correlationId());
        putIfPresent(h, CAUSATION_ID, e.causationId());
        putIfPresent(h, TRACEPARENT, e.traceparent());
        return h;
    }

    public static Envelope fromKafka(Map<String, String> headers, String key, long timestampMillis) {
        if (key == null) {
            throw new MalformedMessageException("record has no key");
        }
        return read(headers, key, Instant.ofEpochMilli(timestampMillis));
    }

    public static Map<String, String> sqsAttributes(Envelope e) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(EVENT_ID, e.eventId().toString());
        a.put(TYPE, qualifiedType(e));
        a.put(KEY, e.key());
        a.put(OCCURRED_AT, e.occurredAt().toString());
        putIfPresent(a, CORRELATION_ID, e.correlationId());
        putIfPresent(a, CAUSATION_ID, e.causationId());
        putIfPresent(a, TRACEPARENT, e.traceparent());
        return a;
    }

    public static Envelope fromSqs(Map<String, String> attributes) {
        String occurred = required(attributes, OCCURRED_AT);
        try {
            return read(attributes, required(attributes, KEY), Instant.parse(occurred));
        } catch (DateTimeParseException ex) {
            throw new MalformedMessageException(OCCURRED_AT + " is not an ISO-8601 instant: " + occurred);
        }
    }

    /** The name of a qualified type header ({@code OrderPlaced.v1} → {@code OrderPlaced}); a value without a version as it is. */
    public static String typeName(String qualifiedType) {
        int dot = qualifiedType.lastIndexOf(".v");
        return dot <= 0 ? qualifiedType : qualifiedType.substring(0, dot);
    }

    private static Envelope read(Map<String, String> m, String key, Instant occurredAt) {
        String id = required(m, EVENT_ID);
        String type = required(m, TYPE);
        int dot = type.lastIndexOf(".v");
        if (dot <= 0) {
            throw new MalformedMessageException(TYPE + " must look like Name.vN, was " + type);
        }
        try {
            return new Envelope(UUID.fromString(id), type.substring(0, dot), Integer.parseInt(type.substring(dot + 2)),
                    key, occurredAt, m.get(CORRELATION_ID), m.get(CAUSATION_ID), m.get(TRACEPARENT));
        } catch (IllegalArgumentException ex) {
            throw new MalformedMessageException("unreadable envelope (" + ex.getMessage() + "): " + m);
        }
    }

    /**
     * The version written is the catalogue's current one, whatever the envelope says: payloads are
     * always encoded with the current schema (an event read from an older writer and sent on, a
     * redriven task, carries its old version in memory, and its bytes would otherwise be misread).
     */
    private static String qualifiedType(Envelope e) {
        return e.type() + ".v" + EventCatalog.byName(e.type()).map(EventType::version).orElse(e.schemaVersion());
    }

    private static String required(Map<String, String> m, String name) {
        String v = m.get(name);
        if (v == null || v.isEmpty()) {
            throw new MalformedMessageException("envelope field " + name + " is missing");
        }
        return v;
    }

    private static void putIfPresent(Map<String, String> m, String name, String value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
