package io.heomdm.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Every version of every schema stays in the repository: the current one is compiled from
 * {@code src/main/avro}, the earlier ones are kept as resources under
 * {@code schema-history/<Name>/v<N>.avsc}. A new version must read data written by every older one
 * (Avro's own reader/writer compatibility check), so consumers can be upgraded before producers.
 */
public final class SchemaEvolution {
    private SchemaEvolution() {
    }

    /** The earlier versions of a type, oldest first, read from the classpath. */
    public static List<Schema> history(EventType<?> type) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; v < type.version(); v++) {
            String resource = "/schema-history/" + type.name() + "/v" + v + ".avsc";
            try (InputStream in = SchemaEvolution.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(type.name() + " v" + type.version() + " is current but " + resource + " is missing");
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return versions;
    }

    /** Human-readable incompatibilities of {@code reader} against each writer; empty when all can be read. */
    public static List<String> incompatibilities(Schema reader, List<Schema> writers) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writers.get(i));
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add("cannot read v" + (i + 1) + ": " + result.getResult().getIncompatibilities());
            }
        }
        return problems;
    }
}
