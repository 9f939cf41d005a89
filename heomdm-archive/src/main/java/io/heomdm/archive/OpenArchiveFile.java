package io.heomdm.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's file being written: consecutive records of one hour, in a scratch file until it is
 * stored under the key of its first offset, followed by the partition's checkpoint past its last.
 */
final class OpenArchiveFile {
    private static final Logger log = LoggerFactory.getLogger(OpenArchiveFile.class);
    final TopicPartition tp;
    final long firstOffset;
    final Instant hour;
    final Instant opened;
    private final Path path;
    private final ArchiveFiles.Writer writer;
    long lastOffset;
    int count;

    OpenArchiveFile(ConsumerRecord<String, byte[]> first, Path scratch, String payloadSchemas, Instant now) throws IOException {
        tp = new TopicPartition(first.topic(), first.partition());
        firstOffset = first.offset();
        hour = ArchiveFiles.hourOf(first.timestamp());
        opened = now;
        path = scratch.resolve(first.topic() + "-" + first.partition() + "-" + first.offset() + ".avro");
        writer = new ArchiveFiles.Writer(path, payloadSchemas);
    }

    /** Whether the record belongs in another file: another hour, or this one is full. */
    boolean closedTo(ConsumerRecord<String, byte[]> r, int maxRecords) {
        return !ArchiveFiles.hourOf(r.timestamp()).equals(hour) || count >= maxRecords;
    }

    void append(ConsumerRecord<String, byte[]> r) throws IOException {
        writer.append(r);
        lastOffset = r.offset();
        count++;
    }

    /** Stores the file, then the checkpoint past it; a failure leaves the checkpoint where it was. */
    void storeIn(ArchiveStore store) throws IOException {
        writer.close();
        store.put(ArchiveFiles.fileKey(tp.topic(), tp.partition(), firstOffset, hour), path);
        store.put(ArchiveFiles.checkpointKey(tp.topic(), tp.partition()), Long.toString(lastOffset + 1).getBytes(StandardCharsets.UTF_8));
        Files.deleteIfExists(path);
    }

    void discard() {
        try {
            writer.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("could not remove {}", path, e);
        }
    }
}
