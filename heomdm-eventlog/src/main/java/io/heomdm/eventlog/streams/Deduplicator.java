package io.heomdm.eventlog.streams;

import io.heomdm.events.EnvelopeMapping;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Lets each event through once: a client that did not get its acknowledgement sends the event
 * again with the same eventId, and without this every count downstream (orders, revenue, demand,
 * journey entries) would see it twice. Placed right after a source keyed by customerId, so every
 * copy of an event reaches the same task; under exactly-once the store write and the forwarded
 * record commit together, so a crash neither loses nor doubles one.
 *
 * <p>The store remembers each eventId with a fingerprint of its type and payload for {@code
 * retention} of stream time (a window store: old segments are dropped whole, no sweep). A copy
 * with the same fingerprint is dropped; the same eventId with another payload is a client error and
 * throws {@link ConflictingEventException}, which the {@link DeadLetterHandler} parks. An event
 * older than the retention, or one without an eventId header, cannot be recognised and counts.
 */
public final class Deduplicator implements Processor<String, byte[], String, byte[]> {
    /** How long an eventId is remembered: a client's retry within it counts once (configured as {@code kafka.deduplicationDays}). */
    public record Window(Duration retention) {
        public static final Window DEFAULT = new Window(Duration.ofDays(7));
        /**
         * No stage at all, so that {@code heomdm bench dedup} can measure what the stage costs each
         * application; configuration cannot reach it ({@code kafka.deduplicationDays} is 1 or more).
         */
        public static final Window OFF = new Window(Duration.ZERO);

        public Window {
            if (retention.isNegative()) {
                throw new IllegalArgumentException("a deduplication window cannot be negative, was " + retention);
            }
        }

        public boolean off() {
            return retention.isZero();
        }
    }

    private final String storeName;
    private final Duration retention;
    private ProcessorContext<String, byte[]> context;
    private WindowStore<String, byte[]> seen;

    public Deduplicator(String storeName, Duration retention) {
        this.storeName = storeName;
        this.retention = retention;
    }

    /** The store a {@code Deduplicator} named {@code storeName} needs, changelogged. */
    public static StoreBuilder<WindowStore<String, byte[]>> store(String storeName, Duration retention) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(storeName, retention, retention, false), Serdes.String(), Serdes.ByteArray());
    }

    /** {@code events} with each event once, for a DSL topology: adds the store and the processor (named {@code deduplicate-<storeName>}); {@code events} as they are when the window is {@link Window#OFF}. */
    public static KStream<String, byte[]> once(StreamsBuilder builder, KStream<String, byte[]> events, String storeName, Window window) {
        if (window.off()) {
            return events;
        }
        builder.addStateStore(store(storeName, window.retention()));
        // named after its store: a topology may deduplicate more than one stream
        return events.process(() -> new Deduplicator(storeName, window.retention()), Named.as("deduplicate-" + storeName), storeName);
    }

    /** The same eventId arrived with another type or payload. */
    public static final class ConflictingEventException extends RuntimeException {
        public ConflictingEventException(String eventId) {
            super("eventId " + eventId + " was sent before with another payload; an eventId names one event");
        }
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Header id = record.headers().lastHeader(EnvelopeMapping.EVENT_ID);
        if (record.value() == null || id == null) {
            context.forward(record);
            return;
        }
        String eventId = new String(id.value(), StandardCharsets.UTF_8);
        byte[] fingerprint = fingerprint(record);
        long at = record.timestamp();
        try (var earlier = seen.fetch(eventId, Math.max(0, at - retention.toMillis()), at + retention.toMillis())) {
            if (earlier.hasNext()) {
                if (!Arrays.equals(earlier.next().value, fingerprint)) {
                    throw new ConflictingEventException(eventId);
                }
                return; // a retry of what was counted already
            }
        }
        seen.put(eventId, fingerprint, at);
        context.forward(record);
    }

    /** SHA-256 of the type header and the payload: what makes two copies the same event (not their occurredAt). */
    private static byte[] fingerprint(Record<String, byte[]> record) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            Header type = record.headers().lastHeader(EnvelopeMapping.TYPE);
            if (type != null) {
                digest.update(type.value());
            }
            digest.update((byte) 0);
            digest.update(record.value());
            return Arrays.copyOf(digest.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
