package io.heomdm.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver against a real broker and a real store: it is killed between storing a file and its
 * checkpoint, with other partitions' files half written; a second archiver takes over from the
 * checkpoints. Every record must then be in the archive once, under the hour of its timestamp, and a
 * restore must give back the selected events with their eventIds, keys and timestamps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ArchiverContract {
    static final Instant T0 = Instant.parse("2026-11-01T10:40:00Z");
    static final TopicSpec TOPIC = new TopicSpec("archive-it.activity", "customerId", MarketTopics.ACTIVITY.types(), 4, TopicSpec.Cleanup.DELETE,
            Duration.ofDays(3650));
    static final TopicSpec RESTORED = new TopicSpec("archive-it.restored", "customerId", MarketTopics.ACTIVITY.types(), 4, TopicSpec.Cleanup.DELETE,
            Duration.ofDays(3650));
    @TempDir
    static Path dir;
    EmbeddedKafka kafka;
    KafkaSettings settings;
    ArchiveStore store;
    /** What was published: eventId → (key, timestamp, type). */
    final Map<String, Published> published = new HashMap<>();
    String keyWrittenBeforeTheCrash;

    record Published(String key, long timestamp, String type) {
    }

    /** Thrown by the store in place of a kill: nothing in the archiver catches an Error. */
    static final class Kill extends Error {
        Kill() {
            super("killed between a file and its checkpoint", null, false, false);
        }
    }

    abstract ArchiveStore store(Path dir);

    @BeforeAll
    void archiveThroughAKill() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        settings = KafkaSettings.singleBroker(kafka.bootstrapServers());
        TopicAdmin.ensure(settings, List.of(TOPIC, RESTORED));
        store = store(dir);
        var ids = new EventIds(InstantSource.system(), new SplittableRandom(7));
        try (var publisher = new KafkaEventPublisher(settings, "archive-it")) {
            // 1,200 events 5 s apart: 10:40 to 12:20, three hours
            publish(publisher, ids, 0, 1200, i -> T0.plusSeconds(5L * i));
            var lastFile = new AtomicReference<String>();
            int[] checkpoints = {0};
            var killing = new Delegate(store) {
                @Override
                public void put(String key, Path file) throws IOException {
                    super.put(key, file);
                    lastFile.set(key);
                }

                @Override
                public void put(String key, byte[] bytes) throws IOException {
                    if (++checkpoints[0] == 6) {
                        keyWrittenBeforeTheCrash = lastFile.get();
                        throw new Kill();
                    }
                    super.put(key, bytes);
                }
            };
            var first = new Archiver(settings, killing, List.of(TOPIC), new Archiver.Settings(Duration.ofSeconds(1), 100, dir.resolve("scratch-1")),
                    InstantSource.system()).start();
            await(() -> !first.isRunning(), "the first archiver to be killed");

            // more while no archiver runs, and five late events stamped back in the first hour
            publish(publisher, ids, 1200, 300, i -> T0.plusSeconds(5L * i));
            publish(publisher, ids, 1500, 5, i -> T0.plusSeconds(600));
        }
        try (var second = new Archiver(settings, store, List.of(TOPIC), new Archiver.Settings(Duration.ofSeconds(1), 100, dir.resolve("scratch-2")),
                InstantSource.system()).start()) {
            // everything in the archive, held for two seconds so the open files are stored too (the test then counts duplicates)
            Awaitility.await("everything in the archive").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).during(Duration.ofSeconds(2))
                    .until(() -> readAll().size() >= published.size());
        }
    }

    private void publish(KafkaEventPublisher publisher, EventIds ids, int first, int count, java.util.function.IntFunction<Instant> at) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            String customer = "c-" + i % 50;
            Event<?> event = i % 3 == 0
                    ? event(ids, EventCatalog.ORDER_PLACED, customer, OrderPlaced.newBuilder().setCustomerId(customer).setOrderId("o-" + i)
                            .setLines(List.of()).setTotal(BigDecimal.TEN).build(), at.apply(i))
                    : event(ids, EventCatalog.PRODUCT_VIEWED, customer, ProductViewed.newBuilder().setCustomerId(customer).setProductId("p-" + i % 7)
                            .build(), at.apply(i));
            published.put(event.envelope().eventId().toString(), new Published(customer, at.apply(i).toEpochMilli(), event.envelope().type()));
            sends.add(publisher.publish(TOPIC, event));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }

    static <T extends org.apache.avro.specific.SpecificRecord> Event<T> event(EventIds ids, io.heomdm.events.EventType<T> type, String key, T payload,
            Instant at) {
        return new Event<>(new Envelope(ids.next(), type.name(), type.version(), key, at, null, null, null), payload);
    }

    @AfterAll
    void stop() {
        store.close();
        kafka.close();
    }

    List<Map.Entry<String, ArchiveFiles.ArchivedRecord>> readAll() {
        List<Map.Entry<String, ArchiveFiles.ArchivedRecord>> all = new ArrayList<>();
        try {
            for (String key : store.list(TOPIC.name() + "/")) {
                try (var in = store.open(key)) {
                    ArchiveFiles.read(in, r -> all.add(Map.entry(key, r)));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // S3Proxy's file-system store lists an object still being written under a temporary name ("….avro-<uuid>")
                    // that is renamed away before it can be opened; the next read sees it under its own name
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all;
    }

    @Test
    void everyRecordIsArchivedOnceUnderTheHourOfItsTimestampThroughAKill() {
        var all = readAll();
        Set<String> positions = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        for (var e : all) {
            var r = e.getValue();
            assertThat(positions.add(r.partition() + "@" + r.offset())).as("archived once: partition %d offset %d", r.partition(), r.offset()).isTrue();
            eventIds.add(r.header(EnvelopeMapping.EVENT_ID));
            assertThat(e.getKey()).startsWith(ArchiveFiles.hourPrefix(TOPIC.name(), ArchiveFiles.hourOf(r.timestamp())));
            assertThat(ArchiveFiles.partitionOf(e.getKey())).isEqualTo(r.partition());
        }
        assertThat(all).hasSize(published.size());
        assertThat(eventIds).isEqualTo(published.keySet());
        // the file stored just before the kill was written again under its own key, not beside it
        assertThat(keyWrittenBeforeTheCrash).isNotNull();
        assertThat(all.stream().map(Map.Entry::getKey)).contains(keyWrittenBeforeTheCrash);
        assertThat(all.stream().map(Map.Entry::getKey).distinct().filter(k -> k.contains("/2026-11-01/10/"))).hasSizeGreaterThan(4);
    }

    @Test
    void aRestoreGivesBackTheSelectedEventsWithTheirIdsKeysAndTimes() throws Exception {
        Instant from = T0.plus(Duration.ofMinutes(15));
        Instant to = T0.plus(Duration.ofMinutes(65));
        var selection = new ArchiveRestore.Selection(List.of(TOPIC.name()), Optional.of(from), Optional.of(to), Optional.of("OrderPlaced"));
        Map<String, Published> expected = new HashMap<>();
        published.forEach((id, p) -> {
            if (p.type().equals("OrderPlaced") && p.timestamp() >= from.toEpochMilli() && p.timestamp() < to.toEpochMilli()) {
                expected.put(id, p);
            }
        });
        List<long[]> progress = new ArrayList<>();

        var dryRun = ArchiveRestore.restore(store, selection, settings, RESTORED.name(), true, (read, files, selected) -> { });
        var result = ArchiveRestore.restore(store, selection, settings, RESTORED.name(), false, (read, files, selected) -> progress.add(
                new long[] {read, files, selected}));

        assertThat(dryRun.selected()).isEqualTo(expected.size());
        assertThat(dryRun.written()).isZero();
        assertThat(result.selected()).isEqualTo(expected.size());
        assertThat(result.written()).isEqualTo(expected.size());
        assertThat(progress.get(progress.size() - 1)).containsExactly(result.files(), result.files(), expected.size());
        Map<String, Published> restored = new HashMap<>();
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "auto.offset.reset", "earliest", "group.id", "restore-check");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(RESTORED.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (restored.size() < expected.size() && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    String type = new String(r.headers().lastHeader(EnvelopeMapping.TYPE).value(), StandardCharsets.UTF_8);
                    restored.put(new String(r.headers().lastHeader(EnvelopeMapping.EVENT_ID).value(), StandardCharsets.UTF_8),
                            new Published(r.key(), r.timestamp(), EnvelopeMapping.typeName(type)));
                }
            }
        }
        assertThat(restored).isEqualTo(expected);
    }

    @Test
    void aStoreThatFailsForAWhileDelaysTheArchiveAndLosesNothing() throws Exception {
        var outage = new TopicSpec("archive-it.outage", "customerId", MarketTopics.ACTIVITY.types(), 2, TopicSpec.Cleanup.DELETE, Duration.ofDays(3650));
        TopicAdmin.ensure(settings, List.of(outage));
        var down = new java.util.concurrent.atomic.AtomicBoolean(true);
        var failed = new java.util.concurrent.atomic.AtomicInteger();
        var flaky = new Delegate(store) {
            @Override
            public void put(String key, Path file) throws IOException {
                if (down.get()) {
                    failed.incrementAndGet();
                    throw new IOException("the store does not answer");
                }
                super.put(key, file);
            }
        };
        Set<String> ids = new HashSet<>();
        var eventIds = new EventIds(InstantSource.system(), new SplittableRandom(9));
        try (var archiver = new Archiver(settings, flaky, List.of(outage), new Archiver.Settings(Duration.ofMillis(200), 100, dir.resolve("scratch-3")),
                InstantSource.system()).start();
                var publisher = new KafkaEventPublisher(settings, "archive-it-outage")) {
            for (int i = 0; i < 40; i++) {
                var e = event(eventIds, EventCatalog.PRODUCT_VIEWED, "c-" + i, ProductViewed.newBuilder().setCustomerId("c-" + i).setProductId("p").build(),
                        T0.plusSeconds(i));
                ids.add(e.envelope().eventId().toString());
                publisher.publish(outage, e).join();
            }
            await(() -> failed.get() >= 3, "the store to have failed a few times");
            down.set(false);
            await(() -> archiver.archivedRecords() >= ids.size(), "the archive to catch up");
        }
        Set<String> archived = new HashSet<>();
        int[] count = {0};
        for (String key : store.list(outage.name() + "/")) {
            try (var in = store.open(key)) {
                ArchiveFiles.read(in, r -> {
                    count[0]++;
                    archived.add(r.header(EnvelopeMapping.EVENT_ID));
                });
            }
        }
        assertThat(archived).isEqualTo(ids);
        assertThat(count[0]).isEqualTo(ids.size());
    }

    static void await(java.util.function.BooleanSupplier condition, String what) {
        // the kill is an Error on the archiver's thread, meant to end it: not the test's failure
        Awaitility.await(what).dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(condition::getAsBoolean);
    }

    /** A store that does what another does, for a test to step in between. */
    static class Delegate implements ArchiveStore {
        private final ArchiveStore store;

        Delegate(ArchiveStore store) {
            this.store = store;
        }

        @Override
        public void put(String key, Path file) throws IOException {
            store.put(key, file);
        }

        @Override
        public void put(String key, byte[] bytes) throws IOException {
            store.put(key, bytes);
        }

        @Override
        public Optional<byte[]> read(String key) throws IOException {
            return store.read(key);
        }

        @Override
        public java.io.InputStream open(String key) throws IOException {
            return store.open(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return store.list(prefix);
        }

        @Override
        public String describe() {
            return store.describe();
        }
    }
}
