package io.heomdm.eventlog;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a dead letter carries besides the record's own: the same names Kafka Streams writes
 * (KIP-1034), so every dead-letter topic of the platform reads alike in {@code heomdm dlq}.
 */
public final class DeadLetterHeaders {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    public static final String ATTEMPTS = "__heomdm.errors.attempts";

    private DeadLetterHeaders() {
    }

    public static void add(Headers headers, Throwable failure, String topic, int partition, long offset, int attempts) {
        put(headers, EXCEPTION, failure.getClass().getName());
        put(headers, MESSAGE, String.valueOf(failure.getMessage()));
        var trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        put(headers, STACKTRACE, trace.toString());
        put(headers, TOPIC, topic);
        put(headers, PARTITION, String.valueOf(partition));
        put(headers, OFFSET, String.valueOf(offset));
        put(headers, ATTEMPTS, String.valueOf(attempts));
    }

    /** A header's value as text, or null. */
    public static String get(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
