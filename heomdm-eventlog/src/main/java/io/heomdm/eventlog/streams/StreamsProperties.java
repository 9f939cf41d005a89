package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The configuration every HEOMDM Streams application runs with: exactly once, its failures isolated, its copies and changelogs. */
final class StreamsProperties {
    /**
     * How far behind its changelog (records) an instance's copy of a store may be and still be handed the task at once.
     * Streams' default, 10,000, is more than a store of this platform holds: an instance back from a crash, whose copies
     * Kafka 4.4 restores at start (its start-up tasks ignore {@code enable.transactional.statestores}), was given its
     * tasks back at the first rebalance and restored them while they stood still. Low, it warms them up as standbys and
     * takes them at a probing rebalance once it has caught up; a standby kept current is a few records behind.
     */
    static final long ACCEPTABLE_RECOVERY_LAG = 1_000;
    /**
     * A changelog is compacted only once its segment is closed; with the broker's 1 GB segments a store's changelog is
     * never compacted here, and a copy restored from it replays every update since the first instead of a record per key.
     */
    static final Duration CHANGELOG_SEGMENT = Duration.ofMinutes(10);
    /**
     * How long a Streams thread's transaction may stay open (Streams' exactly-once default: 10 s). A thread cannot commit
     * while its group rebalances, so its transaction spans the whole rebalance; in the soak an instance returning on a
     * starved machine held a rebalance past 10 s, the coordinator aborted the survivor's transaction and fenced its
     * thread, and the survivor fell 3,600 records behind for two minutes. The price of a longer timeout: an instance
     * that dies mid-transaction holds what it wrote from {@code read_committed} readers until the timeout ends it (or
     * until it is back, its process id being kept in its state directory); with the brokers looking for expired
     * transactions every second (the embedded cluster's setting) that is at most 31 s instead of 10 to 20.
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a Streams thread's commit waits for the brokers (the producer's {@code max.block.ms}; Kafka's: 60 s). With
     * Kafka down longer than that, the commit of a transaction open at the outage's start timed out, Streams took its tasks
     * for corrupted and closed them dirty, and their stores answered nothing until they were restored after the return:
     * two minutes into an outage the profile query answered 404 for a customer it had (KafkaOutageIT with a 7-minute
     * outage). Waiting as long as the outages the platform is built to sit out, the thread holds its tasks and stores
     * open; the other threads (the API's among them) go on reading them. When the brokers return the coordinator has
     * aborted the transaction (it outlived {@link #TRANSACTION_TIMEOUT}), so the thread is fenced and takes its tasks up
     * again from the last commit: exactly once, as after any fencing.
     */
    static final Duration COMMIT_WAITS_FOR_THE_LOG = Duration.ofMinutes(30);

    private StreamsProperties() {
    }

    /** The user's client properties first (consumer defaults where they set none), then what the platform relies on. */
    static Properties of(String applicationId, KafkaSettings kafka, Path stateDir, int threads) {
        var props = new Properties();
        props.putAll(kafka.clientProperties());
        KafkaSettings.CONSUMER_DEFAULTS.forEach(props::putIfAbsent);
        producerDefault(props, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT);
        producerDefault(props, ProducerConfig.MAX_BLOCK_MS_CONFIG, COMMIT_WAITS_FOR_THE_LOG);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        StreamsApp.isolateFailures(props, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // KIP-892: a store's writes reach disk only with the transaction that commits them. Without it, exactly-once
        // cannot trust a store it did not close cleanly, and a copy moved between active and standby is wiped and
        // restored from its whole changelog.
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, kafka.standbyReplicas());
        props.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, ACCEPTABLE_RECOVERY_LAG);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        props.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(kafka.minInsyncReplicas()));
        props.put(StreamsConfig.topicPrefix("segment.ms"), String.valueOf(CHANGELOG_SEGMENT.toMillis()));
        return props;
    }

    /**
     * The platform's value for the Streams producers, unless the user set one, prefixed or for every client: a prefixed
     * default would win over their unprefixed value inside Streams.
     */
    private static void producerDefault(Properties props, String key, Duration value) {
        if (!props.containsKey(key)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(key), (int) value.toMillis());
        }
    }
}
