package io.heomdm.eventlog;

import io.heomdm.events.Event;
import org.apache.avro.specific.SpecificRecord;

/**
 * Processes one event from the log. Called on the subscription's own thread, one event at a time,
 * in log order per partition. Returning normally marks the event processed; throwing means
 * "not processed": the subscriber retries the same event after a backoff, so a handler must be
 * idempotent by eventId.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(Event<SpecificRecord> event) throws Exception;
}
