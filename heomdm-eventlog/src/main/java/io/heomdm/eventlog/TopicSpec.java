package io.heomdm.eventlog;

import io.heomdm.events.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A typed topic descriptor, the only way code names a topic: its name, what its record key is,
 * which event types its values may hold (Avro binary, type in the {@code heomdm-type} header), and
 * how it is created.
 *
 * @param retention how long records are kept; {@code null} with {@link Cleanup#COMPACT} keeps the latest per key forever
 */
public record TopicSpec(String name, String keyMeaning, List<EventType<?>> types, int partitions, Cleanup cleanup, Duration retention) {

    public enum Cleanup {
        DELETE,
        COMPACT
    }

    public TopicSpec {
        Objects.requireNonNull(name);
        types = List.copyOf(types);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1");
        }
    }

    public boolean carries(String typeName) {
        return types.stream().anyMatch(t -> t.name().equals(typeName));
    }
}
