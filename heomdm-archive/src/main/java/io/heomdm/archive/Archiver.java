package io.heomdm.archive;

import io.heomdm.events.Daemons;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives topics into an {@link ArchiveStore}, exactly once per record across restarts. Each
 * partition's records go into a file until the hour of their timestamps changes, the file holds
 * {@code maxFileRecords}, or it is {@code rollAfter} old; then the file is stored under a key named by
 * its first offset, and only then the partition's checkpoint (the next offset) is. A restart reads
 * from the checkpoint: a file stored before a crash but not checkpointed is written again under the
 * same key and replaced, never added to. While the store fails, the partition waits and is read again
 * from its file's first offset, so an outage of the store delays the archive and loses nothing.
 * Offsets are also committed to Kafka under {@link #CONSUMER_GROUP}, only to show the archive's lag.
 */
public final class Archiver implements AutoCloseable {
    public static final String CONSUMER_GROUP = "heomdm-archive";
    private static final Logger log = LoggerFactory.getLogger(Archiver.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);

    /**
     * @param rollAfter      the longest a record waits in an open file: the archive's lag behind the log
     * @param maxFileRecords records per file at most
     * @param scratch        where files are written before they are stored
     */
    public record Settings(Duration rollAfter, int maxFileRecords, Path scratch) {
        public static Settings defaults(Path scratch) {
            return new Settings(Duration.ofSeconds(30), 200_000, scratch);
        }
    }

    private final KafkaSettings kafka;
    private final ArchiveStore store;
    private final Map<String, String> payloadSchemas;
    private final Settings settings;
    private final InstantSource clock;
    private final Map<TopicPartition, OpenArchiveFile> open = new HashMap<>();
    /** Partitions paused after the store failed, with when to try again; those without a position yet need their checkpoint read. */
    private final Map<TopicPartition, Instant> waiting = new HashMap<>();
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private Duration retry = FIRST_RETRY;
    private final AtomicLong archived = new AtomicLong();
    private final AtomicLong filesStored = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean halting;
    private volatile boolean storeFailing;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public Archiver(KafkaSettings kafka, ArchiveStore store, List<TopicSpec> topics, Settings settings, InstantSource clock) {
        this.kafka = kafka;
        this.store = store;
        this.payloadSchemas = topics.stream().collect(Collectors.toMap(TopicSpec::name, ArchiveFiles::payloadSchemas));
        this.settings = settings;
        this.clock = clock;
    }

    public Archiver start() {
        try {
            Files.createDirectories(settings.scratch());
            try (var leftovers = Files.list(settings.scratch())) {
                for (Path p : leftovers.toList()) {
                    Files.delete(p); // a file the last run did not store: it is archived again from its checkpoint
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("archive: cannot use " + settings.scratch() + " (" + e.getMessage() + ")", e);
        }
        running = true;
        thread = Daemons.start("heomdm-archiver", this::run);
        return this;
    }

    private void run() {
        Map<String, Object> props = new HashMap<>(KafkaSettings.CONSUMER_DEFAULTS);
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, CONSUMER_GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // only what was committed: an aborted transaction's records never happened
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(payloadSchemas.keySet(), new Rebalance());
            while (running) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    append(r);
                }
                retryWaiting();
                for (var file : List.copyOf(open.values())) {
                    if (!clock.instant().isBefore(file.opened.plus(settings.rollAfter()))) {
                        store(file);
                    }
                }
            }
            if (!halting) {
                // what was taken in goes out now rather than being read again at the next start
                List.copyOf(open.values()).forEach(this::store);
            }
        } catch (RuntimeException e) {
            log.error("archive stopped: {}", e.toString(), e);
        } finally {
            open.values().forEach(OpenArchiveFile::discard);
            open.clear();
            consumer = null;
            running = false;
            stopped.countDown();
        }
    }

    private void append(ConsumerRecord<String, byte[]> r) {
        var tp = new TopicPartition(r.topic(), r.partition());
        if (waiting.containsKey(tp)) {
            return; // read again from its file's first offset once the store answers
        }
        try {
            OpenArchiveFile file = open.get(tp);
            if (file != null && file.closedTo(r, settings.maxFileRecords())) {
                if (!store(file)) {
                    return;
                }
                file = null;
            }
            if (file == null) {
                file = new OpenArchiveFile(r, settings.scratch(), payloadSchemas.get(r.topic()), clock.instant());
                open.put(tp, file);
            }
            file.append(r);
        } catch (IOException e) {
            // the scratch directory failed (disk full): the same as a store that does not answer
            var file = open.remove(tp);
            long from = file == null ? r.offset() : file.firstOffset;
            if (file != null) {
                file.discard();
            }
            holdBack(tp, from, e);
        }
    }

    /** Stores the file, then the checkpoint past it; true when both are stored. */
    private boolean store(OpenArchiveFile file) {
        open.remove(file.tp);
        try {
            file.storeIn(store);
        } catch (IOException | RuntimeException e) {
            file.discard();
            holdBack(file.tp, file.firstOffset, e);
            return false;
        }
        archived.addAndGet(file.count);
        filesStored.incrementAndGet();
        if (storeFailing) {
            storeFailing = false;
            retry = FIRST_RETRY;
            log.info("archive: {} answers again", store.describe());
        }
        var c = consumer;
        if (c != null && !halting) {
            // only to show the archive's lag (the checkpoint is the store's): a failed commit, while a broker is
            // down, is covered by the next one, and the client would log each one as an error
            c.commitAsync(Map.of(file.tp, new OffsetAndMetadata(file.lastOffset + 1)), (offsets, error) -> { });
        }
        return true;
    }

    /** Pauses the partition until the store may answer, and rewinds it to {@code from} (null: it has no position yet). */
    private void holdBack(TopicPartition tp, Long from, Exception cause) {
        if (!storeFailing) {
            storeFailing = true;
            log.warn("archive: {} failed ({}); the archive waits and loses nothing", store.describe(), cause.toString());
        }
        var c = consumer;
        if (c != null && c.assignment().contains(tp)) {
            if (from != null) {
                c.seek(tp, from);
            }
            c.pause(List.of(tp));
        }
        waiting.put(tp, clock.instant().plus(retry));
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
    }

    private void retryWaiting() {
        Instant now = clock.instant();
        for (var e : List.copyOf(waiting.entrySet())) {
            if (now.isBefore(e.getValue())) {
                continue;
            }
            var tp = e.getKey();
            waiting.remove(tp);
            if (unpositioned.contains(tp) && !position(tp)) {
                continue;
            }
            consumer.resume(List.of(tp));
        }
    }

    /** Seeks to the partition's checkpoint, or to its beginning when it has none; false when the store did not answer. */
    private boolean position(TopicPartition tp) {
        try {
            String key = ArchiveFiles.checkpointKey(tp.topic(), tp.partition());
            var checkpoint = store.read(key);
            if (checkpoint.isPresent()) {
                consumer.seek(tp, ArchiveFiles.checkpoint(key, checkpoint.get()));
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
            unpositioned.remove(tp);
            return true;
        } catch (IOException | RuntimeException e) {
            unpositioned.add(tp);
            holdBack(tp, null, e);
            return false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(Archiver.this::position);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // stored while this process still owns them; what fails is read again by the next owner from the checkpoint
            partitions.stream().map(open::get).filter(java.util.Objects::nonNull).toList().forEach(Archiver.this::store);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.stream().map(open::remove).filter(java.util.Objects::nonNull).forEach(OpenArchiveFile::discard);
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> {
                waiting.remove(tp);
                unpositioned.remove(tp);
            });
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Records and files stored since the start. */
    public long archivedRecords() {
        return archived.get();
    }

    public long filesStored() {
        return filesStored.get();
    }

    /** Stops as a crash would: the open files are dropped, not stored (for tests of what a restart does). */
    public void halt() {
        halting = true;
        close();
    }

    /** Stores the open files, then stops. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        running = false;
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
