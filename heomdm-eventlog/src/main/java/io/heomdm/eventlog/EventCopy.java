package io.heomdm.eventlog;

import io.heomdm.events.EnvelopeMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-publishes selected records of a topic to another ({@code heomdm replay events}): each with its
 * key, its original timestamp and every header, so the eventId, type, correlation and trace travel
 * with it and readers that deduplicate by eventId count a copy of what they saw as seen.
 */
public final class EventCopy {
    private EventCopy() {
    }

    /**
     * Which records: those of {@code topic} written in [{@code from}, {@code to}) by record time,
     * with key {@code key} and of type {@code type} (its name, any version), where given.
     */
    public record Selection(String topic, Optional<Instant> from, Optional<Instant> to, Optional<String> key, Optional<String> type) {
        public Selection {
            Objects.requireNonNull(topic);
            if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
                throw new IllegalArgumentException("from must be before to");
            }
        }

        boolean matches(ConsumerRecord<String, byte[]> r) {
            // a record stamped before an earlier one of its partition (a late event) is selected by its own time
            if (from.isPresent() && r.timestamp() < from.get().toEpochMilli() || to.isPresent() && r.timestamp() >= to.get().toEpochMilli()) {
                return false;
            }
            if (key.isPresent() && !key.get().equals(r.key())) {
                return false;
            }
            if (type.isPresent()) {
                Header h = r.headers().lastHeader(EnvelopeMapping.TYPE);
                String qualified = h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
                return qualified.equals(type.get()) || qualified.startsWith(type.get() + ".v");
            }
            return true;
        }
    }

    /** Records read (from the first stamped at or after {@code from} to the end), how many were selected, and how many written (0 on a dry run). */
    public record Result(long scanned, long selected, long written) {
    }

    /** Told as the copy goes: records read so far out of those in the range. */
    public interface Progress {
        void at(long scanned, long total);
    }

    /** Copies the selection to {@code toTopic} (which must exist), or only counts it when {@code dryRun}. */
    public static Result copy(KafkaSettings kafka, Selection selection, String toTopic, boolean dryRun, Progress progress) {
        Map<String, Object> adminProps = new HashMap<>(kafka.clientProperties());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(adminProps);
                var producer = dryRun ? null : new KafkaProducer<>(KafkaEventPublisher.properties(kafka, "heomdm-replay"), new StringSerializer(),
                        new ByteArraySerializer())) {
            // read to the end even with a 'to': a late event stamped before it may have been written after one stamped past it
            var range = ParkedRecords.from(admin, kafka.bootstrapServers(), kafka.clientProperties(), selection.topic(), selection.from());
            long total = range.count();
            long[] counts = new long[2];
            var written = new AtomicLong();
            var failures = new AtomicLong();
            var firstError = new AtomicReference<Exception>();
            progress.at(0, total);
            range.read(r -> {
                counts[0]++;
                if (selection.matches(r)) {
                    counts[1]++;
                    if (producer != null) {
                        // no partition named: the key chooses it, as it did for the original
                        producer.send(new ProducerRecord<>(toTopic, null, r.timestamp(), r.key(), r.value(), r.headers()), (meta, error) -> {
                            if (error == null) {
                                written.incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                                firstError.compareAndSet(null, error);
                            }
                        });
                    }
                }
                if (counts[0] % 1000 == 0) {
                    progress.at(counts[0], total);
                }
                return true;
            });
            if (producer != null) {
                producer.flush();
            }
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " of " + counts[1] + " copies were not acknowledged by " + toTopic + " ("
                        + firstError.get().getMessage() + "); those that were are in it with their original eventIds, so copying again is safe "
                        + "for readers that deduplicate");
            }
            progress.at(counts[0], total);
            return new Result(counts[0], counts[1], written.get());
        }
    }
}
