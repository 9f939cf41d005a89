package io.heomdm.events;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/** A payload with its envelope: what is published, queued and handed to handlers. */
public record Event<T extends SpecificRecord>(Envelope envelope, T payload) {
    public Event {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(payload, "payload");
    }
}
