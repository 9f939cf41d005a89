package io.heomdm.eventlog.streams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * State-store values as JSON: readable in a changelog dump, and tolerant of fields added later (an
 * unknown field is skipped, a missing one defaults), which matters for stores that outlive a release.
 *
 * <p>A value over {@link #MAX_BYTES} is refused with a {@link RecordTooLargeException} before it
 * reaches a changelog or repartition topic: the record that made it costs itself (the application's
 * {@link DeadLetterHandler}), where a record the broker refused would cost the task its transaction.
 * The bounds of every stored value keep it far below.
 */
public final class JsonSerde<T> implements Serde<T> {
    /** Half the broker's default message size (1 MiB), which a changelog record must stay under with its key and headers. */
    public static final int MAX_BYTES = 512 * 1024;
    /**
     * Blackbird replaces reflection with generated accessors: reading and writing state was a third of
     * what the customer and decision applications spent per event.
     */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module()).registerModule(new JavaTimeModule())
            .registerModule(new BlackbirdModule()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Class<T> type;
    /** Resolved once: a {@code readValue(bytes, type)} looks the type up again for every value. */
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonSerde(Class<T> type) {
        this.type = type;
        this.reader = JSON.readerFor(type);
        this.writer = JSON.writerFor(type);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            try {
                if (value == null) {
                    return null;
                }
                byte[] bytes = writer.writeValueAsBytes(value);
                if (bytes.length > MAX_BYTES) {
                    throw new RecordTooLargeException(type.getSimpleName() + " for " + topic + " is " + bytes.length + " bytes, over " + MAX_BYTES);
                }
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : reader.readValue(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable " + type.getSimpleName() + " in " + topic, e);
            }
        };
    }
}
