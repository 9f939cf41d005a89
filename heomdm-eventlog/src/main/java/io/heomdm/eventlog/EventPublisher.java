package io.heomdm.eventlog;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import java.util.concurrent.CompletableFuture;

/**
 * Appends events to the log.
 *
 * <p>Thread-safe. The future completes only when every in-sync replica has the event
 * ({@code acks=all}), and fails when that does not happen within the configured acknowledgement
 * timeout; a caller that did not see it complete must treat the event as not written and may send
 * it again with the same eventId (consumers deduplicate). Events with the same key, published from
 * one thread, keep their order in the log (the producer is idempotent).
 */
public interface EventPublisher extends AutoCloseable {

    default CompletableFuture<LogPosition> publish(TopicSpec topic, Event<?> event) {
        return publish(topic, event.envelope(), AvroCodec.encode(event.payload()));
    }

    /** An event whose payload the caller has encoded already ({@link AvroCodec#encode}): the gateway fingerprints those bytes too. */
    CompletableFuture<LogPosition> publish(TopicSpec topic, Envelope envelope, byte[] payload);

    /** Writes a tombstone for {@code key} on a compacted topic: compaction then forgets every record of that key. */
    CompletableFuture<LogPosition> delete(TopicSpec topic, String key);

    @Override
    void close();
}
