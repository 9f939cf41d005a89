package io.heomdm.archive;

import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.events.EnvelopeMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Brings archived records back into Kafka ({@code heomdm archive restore}): each with its key, its
 * timestamp and every header, so the eventId travels with it and readers that deduplicate by eventId
 * count a restored event they already saw once. Records come back per topic, hour by hour, each
 * partition's in offset order within an hour.
 */
public final class ArchiveRestore {
    /** A listing of every hour beyond this many is replaced by one listing of the whole topic. */
    private static final long MAX_HOURS_LISTED = 24 * 31;

    private ArchiveRestore() {
    }

    /** Which records: those of the topics stamped in [from, to), of type {@code type} (its name, any version), where given. */
    public record Selection(List<String> topics, Optional<Instant> from, Optional<Instant> to, Optional<String> type) {
        public Selection {
            topics = List.copyOf(topics);
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
            Objects.requireNonNull(type);
            if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
                throw new IllegalArgumentException("from must be before to");
            }
        }

        boolean matches(ArchiveFiles.ArchivedRecord r) {
            if (from.isPresent() && r.timestamp() < from.get().toEpochMilli() || to.isPresent() && r.timestamp() >= to.get().toEpochMilli()) {
                return false;
            }
            if (type.isPresent()) {
                String qualified = Objects.requireNonNullElse(r.header(EnvelopeMapping.TYPE), "");
                return qualified.equals(type.get()) || qualified.startsWith(type.get() + ".v");
            }
            return true;
        }

        boolean coversHourOf(String key) {
            // <topic>/<yyyy-MM-dd>/<HH>/<file>
            String[] parts = key.split("/");
            if (parts.length != 4 || ArchiveFiles.partitionOf(key) < 0) {
                return false;
            }
            Instant hour = Instant.parse(parts[1] + "T" + parts[2] + ":00:00Z");
            return from.map(f -> !hour.isBefore(ArchiveFiles.hourOf(f.toEpochMilli()))).orElse(true)
                    && to.map(t -> hour.isBefore(t)).orElse(true);
        }
    }

    /** Files read, records in them, how many were selected, and how many written (0 on a dry run). */
    public record Result(long files, long scanned, long selected, long written) {
    }

    /** Told as the restore goes: files read so far out of those of the hours selected, and records selected. */
    public interface Progress {
        void at(long filesRead, long files, long selected);
    }

    /** The archive files that may hold selected records, topic by topic, in order. */
    public static List<String> files(ArchiveStore store, Selection selection) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String topic : selection.topics()) {
            if (selection.from().isPresent() && selection.to().isPresent()
                    && Duration.between(selection.from().get(), selection.to().get()).toHours() <= MAX_HOURS_LISTED) {
                for (Instant h = ArchiveFiles.hourOf(selection.from().get().toEpochMilli()); h.isBefore(selection.to().get());
                        h = h.plus(Duration.ofHours(1))) {
                    keys.addAll(store.list(ArchiveFiles.hourPrefix(topic, h)).stream().filter(selection::coversHourOf).toList());
                }
            } else {
                keys.addAll(store.list(topic + "/").stream().filter(selection::coversHourOf).toList());
            }
        }
        return keys;
    }

    /** Writes the selection to {@code toTopic} (which must exist), or only counts it when {@code dryRun}. */
    public static Result restore(ArchiveStore store, Selection selection, KafkaSettings kafka, String toTopic, boolean dryRun, Progress progress)
            throws IOException {
        List<String> files = files(store, selection);
        long[] counts = new long[3];
        var written = new AtomicLong();
        var failures = new AtomicLong();
        var firstError = new AtomicReference<Exception>();
        progress.at(0, files.size(), 0);
        try (var producer = dryRun ? null : new KafkaProducer<>(KafkaEventPublisher.properties(kafka, "heomdm-archive-restore"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String key : files) {
                try (InputStream in = store.open(key)) {
                    ArchiveFiles.read(in, r -> {
                        counts[1]++;
                        if (!selection.matches(r)) {
                            return;
                        }
                        counts[2]++;
                        if (producer != null) {
                            var headers = r.headers().stream().map(h -> new RecordHeader(h.getKey(), h.getValue()))
                                    .map(org.apache.kafka.common.header.Header.class::cast).toList();
                            // no partition named: the key chooses it, as it did for the original
                            producer.send(new ProducerRecord<>(toTopic, null, r.timestamp(), r.key(), r.value(), headers), (meta, error) -> {
                                if (error == null) {
                                    written.incrementAndGet();
                                } else {
                                    failures.incrementAndGet();
                                    firstError.compareAndSet(null, error);
                                }
                            });
                        }
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                counts[0]++;
                progress.at(counts[0], files.size(), counts[2]);
            }
            if (producer != null) {
                producer.flush();
            }
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + counts[2] + " records were not acknowledged by " + toTopic + " ("
                    + firstError.get().getMessage() + "); those that were are in it with their original eventIds, so restoring again is safe "
                    + "for readers that deduplicate");
        }
        return new Result(counts[0], counts[1], counts[2], written.get());
    }
}
