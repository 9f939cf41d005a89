package io.heomdm.eventlog;

import io.heomdm.events.Event;
import java.util.concurrent.CompletionStage;
import org.apache.avro.specific.SpecificRecord;

/**
 * Processes one event from the log without holding the subscription's thread: it returns at once
 * with a stage that completes when the event is processed (a task it caused has been accepted by
 * the queue, say). The subscriber hands it every event of a poll, in log order, and commits an
 * offset only when every event before it has completed; a failed stage is retried like a thrown
 * exception in {@link EventHandler}, and the events after it in its partition are delivered again,
 * so the handler must be idempotent by eventId.
 */
@FunctionalInterface
public interface AsyncEventHandler {
    CompletionStage<Void> handle(Event<SpecificRecord> event);

    /**
     * Whether this handler acts on events of a type (its name, without the version). The subscriber
     * reads the type from the record's header and passes the others by without decoding them: a
     * handler of one type in twenty on a topic of 2 KB events should not pay for the other nineteen.
     */
    default boolean accepts(String eventType) {
        return true;
    }
}
