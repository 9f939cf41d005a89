package io.heomdm.events;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
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
    // Datum readers and writers resolve schemas when built, which costs more than the decoding itself;
    // they are kept per thread (Avro does not promise they are thread-safe), keyed by writer version.
    private static final ThreadLocal<Map<String, SpecificDatumReader<?>>> READERS = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<Schema, SpecificDatumWriter<?>>> WRITERS = ThreadLocal.withInitial(HashMap::new);

    private AvroCodec() {
    }

    public static <T extends SpecificRecord> byte[] encode(T payload) {
        var out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            @SuppressWarnings("unchecked")
            var writer = (SpecificDatumWriter<T>) WRITERS.get().computeIfAbsent(payload.getSchema(), SpecificDatumWriter::new);
            writer.write(payload, encoder);
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
        @SuppressWarnings("unchecked")
        var reader = (SpecificDatumReader<T>) READERS.get().computeIfAbsent(type.name() + ".v" + writerVersion, k -> new SpecificDatumReader<T>(
                writerVersion == type.version() ? type.schema() : SchemaEvolution.history(type).get(writerVersion - 1), type.schema()));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("trailing bytes after the payload");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(type.qualifiedName() + ": unreadable payload (" + e + ")");
        }
    }
}
