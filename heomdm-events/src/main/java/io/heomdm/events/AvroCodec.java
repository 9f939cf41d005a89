package io.heomdm.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary encoding of payloads, with no schema registry: the writer's schema is the one the
 * catalogue names by {@code type} and {@code schemaVersion} in the envelope. Thread-safe.
 */
public final class AvroCodec {
    private AvroCodec() {
    }

    public static <T extends SpecificRecord> byte[] encode(T payload) {
        var out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new SpecificDatumWriter<T>(payload.getSchema()).write(payload, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes the payload of an envelope, whatever version of its type wrote it. */
    public static SpecificRecord decode(Envelope envelope, byte[] bytes) {
        EventType<?> type = EventCatalog.byName(envelope.type())
                .orElseThrow(() -> new MalformedMessageException("unknown event type " + envelope.type()));
        return decode(type, envelope.schemaVersion(), bytes);
    }

    /** Decodes a payload written with the current schema; a malformed one throws {@link MalformedMessageException}. */
    public static <T extends SpecificRecord> T decode(EventType<T> type, byte[] bytes) {
        return decode(type, type.version(), bytes);
    }

    /** Decodes a payload written with any version of the type's schema into the current class. */
    public static <T extends SpecificRecord> T decode(EventType<T> type, int writerVersion, byte[] bytes) {
        if (writerVersion < 1 || writerVersion > type.version()) {
            throw new MalformedMessageException(type.name() + " has no schema version " + writerVersion + " (current: " + type.version() + ")");
        }
        Schema writer = writerVersion == type.version() ? type.schema() : SchemaEvolution.history(type).get(writerVersion - 1);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            T value = new SpecificDatumReader<T>(writer, type.schema()).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("trailing bytes after the payload");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(type.qualifiedName() + ": unreadable payload (" + e + ")");
        }
    }
}
