package io.heomdm.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** Decodes a payload; a malformed one throws {@link MalformedMessageException}. */
    public static <T extends SpecificRecord> T decode(EventType<T> type, byte[] bytes) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            T value = new SpecificDatumReader<>(type.javaClass()).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("trailing bytes after the payload");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(type.qualifiedName() + ": unreadable payload (" + e + ")");
        }
    }
}
