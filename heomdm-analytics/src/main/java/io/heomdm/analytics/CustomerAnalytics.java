package io.heomdm.analytics;

import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.customers.CustomerTopology;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer analytics application: the {@link CustomerTopology} run by Kafka Streams with
 * {@code exactly_once_v2}, its stores in RocksDB under {@code stateDir} and changelogged, so a
 * restart on an empty disk restores them from Kafka.
 */
public final class CustomerAnalytics implements AutoCloseable {
    public static final String APPLICATION_ID = "heomdm-analytics";
    private static final Logger LOG = LoggerFactory.getLogger(CustomerAnalytics.class);
    private final KafkaStreams streams;

    private CustomerAnalytics(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Creates the output topics if missing, starts the application and waits until it is running. */
    public static CustomerAnalytics start(KafkaSettings kafka, Path stateDir, int threads, CustomerAnalyticsSettings settings,
            SegmentCatalog catalog, Duration startTimeout) {
        TopicAdmin.ensure(kafka, AnalyticsTopics.all());
        var props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        props.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(kafka.minInsyncReplicas()));
        var streams = new KafkaStreams(CustomerTopology.build(settings, catalog), props);
        var running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("customer analytics stopped: {}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try {
            if (!running.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                streams.close(Duration.ofSeconds(10));
                throw new IllegalStateException("customer analytics did not reach RUNNING within " + startTimeout + " (state " + streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.close(Duration.ofSeconds(10));
            throw new IllegalStateException(e);
        }
        return new CustomerAnalytics(streams);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Leaves the consumer group as it closes: by default Streams stays in it, so that a rolling bounce
     * does not rebalance twice, but then a restarted lone instance waits out the 45 s session
     * timeout before it gets its partitions back (seen here).
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
