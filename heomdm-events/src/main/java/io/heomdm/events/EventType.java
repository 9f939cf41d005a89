package io.heomdm.events;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * One entry of the event catalogue: a named, versioned Avro schema, its generated class, and the
 * payload field that is its ordering key.
 */
public record EventType<T extends SpecificRecord>(
        String name, int version, EventKind kind, Class<T> javaClass, String keyField, String description) {

    public EventType {
        Objects.requireNonNull(name);
        Objects.requireNonNull(javaClass);
        Objects.requireNonNull(keyField);
        if (schemaOf(javaClass).getField(keyField) == null) {
            throw new IllegalArgumentException(name + " has no key field " + keyField);
        }
    }

    public Schema schema() {
        return schemaOf(javaClass);
    }

    /** The ordering key of a payload of this type. */
    public String keyOf(T payload) {
        return String.valueOf(payload.get(schema().getField(keyField).pos()));
    }

    /** {@code OrderPlaced.v1}: how the type travels in the {@code heomdm-type} header. */
    public String qualifiedName() {
        return name + ".v" + version;
    }

    private static Schema schemaOf(Class<?> javaClass) {
        return SpecificData.get().getSchema(javaClass);
    }
}
