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
    private static final ThreadLocal<Codec> CODEC = ThreadLocal.withInitial(Codec::new);
    /** A buffer grown past this by an unusually large payload is not kept. */
    private static final int KEPT_BUFFER_BYTES = 64 * 1024;
    private static final String CONTEXT = "context";

    /**
     * What one thread reuses from one payload to the next. Datum readers and writers resolve schemas
     * when built, which costs more than the decoding itself, and Avro does not promise they are
     * thread-safe. The buffer, encoder and decoder are kept because building them per payload was a
     * fifth of what a busy service allocated (the bench, 25k events/s): a 256-byte buffer grown four
     * times to 2 KB, an encoder's own 2 KB buffer, and a decoder's scratch string per field.
     */
    private static final class Codec {
        final Map<String, SpecificDatumReader<?>> readers = new HashMap<>();
        final Map<Schema, SpecificDatumWriter<?>> writers = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    private AvroCodec() {
    }

    public static <T extends SpecificRecord> byte[] encode(T payload) {
        Codec codec = CODEC.get();
        codec.out.reset();
        codec.encoder = EncoderFactory.get().binaryEncoder(codec.out, codec.encoder);
        byte[] bytes;
        try {
            @SuppressWarnings("unchecked")
            var writer = (SpecificDatumWriter<T>) codec.writers.computeIfAbsent(payload.getSchema(), SpecificDatumWriter::new);
            writer.write(payload, codec.encoder);
            codec.encoder.flush();
            bytes = codec.out.toByteArray();
        } catch (IOException e) {
            codec.encoder = null; // it may hold part of this payload, which the next one must not start with
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            codec.encoder = null;
            throw e;
        }
        if (bytes.length > KEPT_BUFFER_BYTES) {
            codec.out = new ByteArrayOutputStream(4096);
        }
        return bytes;
    }

    /** Decodes the payload of an envelope, whatever version of its type wrote it. */
    public static SpecificRecord decode(Envelope envelope, byte[] bytes) {
        EventType<?> type = EventCatalog.byName(envelope.type())
                .orElseThrow(() -> new MalformedMessageException("unknown event type " + envelope.type()));
        return decode(type, envelope.schemaVersion(), bytes);
    }

    /**
     * Decodes the payload of an envelope without its free-form {@code context} map ({@code getContext()}
     * is null), for the services: none of them reads it, and it is most of a 2 KB event. Its bytes are
     * skipped instead of built into a map of strings. Not for a payload that is encoded again.
     */
    public static SpecificRecord decodeWithoutContext(Envelope envelope, byte[] bytes) {
        EventType<?> type = EventCatalog.byName(envelope.type())
                .orElseThrow(() -> new MalformedMessageException("unknown event type " + envelope.type()));
        return decode(type, envelope.schemaVersion(), bytes, true);
    }

    /**
     * A payload read by {@link #decodeWithoutContext} encoded again with an empty context, for a stage
     * that sends an event on to another sub-topology that needs none of it (the context map is most of
     * a 2 KB event). Sets the payload's context to an empty map.
     */
    public static byte[] encodeWithoutContext(SpecificRecord payload) {
        var context = payload.getSchema().getField(CONTEXT);
        if (context != null) {
            payload.put(context.pos(), Map.of());
        }
        return encode(payload);
    }

    /** Decodes a payload written with the current schema; a malformed one throws {@link MalformedMessageException}. */
    public static <T extends SpecificRecord> T decode(EventType<T> type, byte[] bytes) {
        return decode(type, type.version(), bytes);
    }

    /** Decodes a payload written with any version of the type's schema into the current class. */
    public static <T extends SpecificRecord> T decode(EventType<T> type, int writerVersion, byte[] bytes) {
        return decode(type, writerVersion, bytes, false);
    }

    private static <T extends SpecificRecord> T decode(EventType<T> type, int writerVersion, byte[] bytes, boolean withoutContext) {
        if (writerVersion < 1 || writerVersion > type.version()) {
            throw new MalformedMessageException(type.name() + " has no schema version " + writerVersion + " (current: " + type.version() + ")");
        }
        @SuppressWarnings("unchecked")
        Codec codec = CODEC.get();
        var reader = (SpecificDatumReader<T>) codec.readers.computeIfAbsent(type.name() + ".v" + writerVersion + (withoutContext ? "-context" : ""),
                k -> new SpecificDatumReader<T>(writerVersion == type.version() ? type.schema() : SchemaEvolution.history(type).get(writerVersion - 1),
                        withoutContext ? withoutContext(type.schema()) : type.schema()));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, codec.decoder);
        codec.decoder = decoder;
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

    /**
     * The schema without its last field when that is {@code context}: a reader schema that skips it.
     * Only a last field can be left out this way, since the generated class is filled by position.
     */
    static Schema withoutContext(Schema schema) {
        var fields = schema.getFields();
        if (fields.isEmpty() || !fields.get(fields.size() - 1).name().equals(CONTEXT)) {
            return schema;
        }
        var kept = fields.subList(0, fields.size() - 1).stream().map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
    }
}
