package io.heomdm.archive;

import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventType;
import io.heomdm.events.SchemaEvolution;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The archive's files: Avro object container files (zstd-compressed) of one partition's consecutive
 * records of one hour, each record with its topic, partition, offset, timestamp, key, every header and
 * the value's bytes as they were in Kafka. Self-describing twice over: the container holds the record
 * schema, and its metadata {@code heomdm.schemas} holds every version of every event type of the topic,
 * by the {@code heomdm-type} header's name, so a payload can be read without HEOMDM.
 *
 * <p>Keys: {@code <topic>/<yyyy-MM-dd>/<HH>/<topic>-<partition>-<first offset>.avro}, the hour being
 * the UTC hour of every record's timestamp in the file. A file is named by its first offset, so
 * archiving again from a checkpoint writes the same key and replaces a file instead of adding one.
 */
public final class ArchiveFiles {
    public static final Schema HEADER = SchemaBuilder.record("Header").namespace("io.heomdm.archive").fields()
            .requiredString("key").name("value").type().nullable().bytesType().noDefault().endRecord();
    public static final Schema RECORD = SchemaBuilder.record("ArchivedRecord").namespace("io.heomdm.archive")
            .doc("One Kafka record as it was in the log").fields()
            .requiredString("topic")
            .requiredInt("partition")
            .requiredLong("offset")
            .name("timestamp").type(org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
            .name("key").type().nullable().stringType().noDefault()
            .name("headers").type().array().items(HEADER).noDefault()
            .name("value").type().nullable().bytesType().noDefault()
            .endRecord();
    public static final String SCHEMAS_METADATA = "heomdm.schemas";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd/HH").withZone(ZoneOffset.UTC);
    private static final Pattern FILE = Pattern.compile(".*/([^/]+)-(\\d+)-(\\d{19})\\.avro");

    private ArchiveFiles() {
    }

    /** A record read back from the archive. */
    public record ArchivedRecord(String topic, int partition, long offset, long timestamp, String key, List<Map.Entry<String, byte[]>> headers,
            byte[] value) {
        public String header(String name) {
            for (int i = headers.size() - 1; i >= 0; i--) {
                if (headers.get(i).getKey().equals(name)) {
                    byte[] v = headers.get(i).getValue();
                    return v == null ? null : new String(v, StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    public static Instant hourOf(long timestampMillis) {
        return Instant.ofEpochMilli(timestampMillis).truncatedTo(ChronoUnit.HOURS);
    }

    /** Where the files of a topic's hour are. */
    public static String hourPrefix(String topic, Instant hour) {
        return topic + "/" + HOUR.format(hour) + "/";
    }

    public static String fileKey(String topic, int partition, long firstOffset, Instant hour) {
        return hourPrefix(topic, hour) + topic + "-" + partition + "-" + String.format("%019d", firstOffset) + ".avro";
    }

    /** The partition a file key names, or -1 when the key is not an archive file's. */
    public static int partitionOf(String key) {
        var m = FILE.matcher(key);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** Where the next offset to archive of a partition is kept, written after each file. */
    public static String checkpointKey(String topic, int partition) {
        return "_checkpoints/" + topic + "/" + partition;
    }

    /**
     * The offset a checkpoint holds. A checkpoint edited by hand or cut short is refused by its key and
     * content, rather than read as some offset: reading on from a wrong one would skip or repeat records.
     */
    public static long checkpoint(String key, byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8).trim();
        try {
            long offset = Long.parseLong(text);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw new IllegalStateException("checkpoint " + key + " holds '" + shown + "', not an offset: fix it or remove it (removed, the "
                + "partition is archived again from the start of the log, replacing files of the same first offset)");
    }

    /** Every version of every type the topic carries, as JSON: the payloads' schemas. */
    static String payloadSchemas(TopicSpec topic) {
        var json = new StringBuilder("{");
        for (EventType<?> type : topic.types()) {
            List<Schema> versions = new ArrayList<>(SchemaEvolution.history(type));
            versions.add(type.schema());
            for (int v = 0; v < versions.size(); v++) {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append('"').append(type.name()).append(".v").append(v + 1).append("\":").append(versions.get(v).toString());
            }
        }
        return json.append('}').toString();
    }

    /** One file being written: records of one partition, in offset order. */
    static final class Writer implements Closeable {
        private final DataFileWriter<GenericRecord> out;
        private final GenericRecord record = new GenericData.Record(RECORD);

        Writer(Path file, String payloadSchemas) throws IOException {
            out = new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(RECORD)).setCodec(CodecFactory.zstandardCodec(3));
            out.setMeta(SCHEMAS_METADATA, payloadSchemas);
            out.create(RECORD, file.toFile());
        }

        void append(ConsumerRecord<String, byte[]> r) throws IOException {
            record.put("topic", r.topic());
            record.put("partition", r.partition());
            record.put("offset", r.offset());
            record.put("timestamp", r.timestamp());
            record.put("key", r.key());
            List<GenericRecord> headers = new ArrayList<>();
            for (var h : r.headers()) {
                GenericRecord header = new GenericData.Record(HEADER);
                header.put("key", h.key());
                header.put("value", h.value() == null ? null : ByteBuffer.wrap(h.value()));
                headers.add(header);
            }
            record.put("headers", headers);
            record.put("value", r.value() == null ? null : ByteBuffer.wrap(r.value()));
            out.append(record);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Reads every record of one file, in order. */
    public static void read(InputStream in, Consumer<ArchivedRecord> each) throws IOException {
        try (var file = new DataFileStream<GenericRecord>(in, new GenericDatumReader<>(RECORD))) {
            GenericRecord r = null;
            while (file.hasNext()) {
                r = file.next(r);
                List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
                for (Object o : (List<?>) r.get("headers")) {
                    var h = (GenericRecord) o;
                    headers.add(new java.util.AbstractMap.SimpleImmutableEntry<>(h.get("key").toString(), bytes(h.get("value"))));
                }
                each.accept(new ArchivedRecord(r.get("topic").toString(), (Integer) r.get("partition"), (Long) r.get("offset"),
                        (Long) r.get("timestamp"), r.get("key") == null ? null : r.get("key").toString(), headers, bytes(r.get("value"))));
            }
        }
    }

    private static byte[] bytes(Object value) {
        if (value == null) {
            return null;
        }
        ByteBuffer b = ((ByteBuffer) value).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
