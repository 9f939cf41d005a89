package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application with {@code exactly_once_v2}, its stores in RocksDB under
 * {@code stateDir/<applicationId>} and changelogged, so a restart on an empty disk restores them.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private final KafkaStreams streams;

    private StreamsApp(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Makes the state directory if missing, starts the application and waits until it is running. */
    public static StreamsApp start(String applicationId, Topology topology, KafkaSettings kafka, Path stateDir, int threads, Duration timeout) {
        try {
            // made here, not by Streams: two applications sharing it and starting at once race to create it, and the loser gives up
            java.nio.file.Files.createDirectories(stateDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(applicationId + ": state directory " + stateDir + " cannot be created", e);
        }
        var props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        props.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(kafka.minInsyncReplicas()));
        var streams = new KafkaStreams(topology, props);
        var running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{} stopped: {}", applicationId, e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        var app = new StreamsApp(streams);
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                app.close();
                throw new IllegalStateException(applicationId + " did not reach RUNNING within " + timeout + " (state " + streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
            throw new IllegalStateException(e);
        }
        return app;
    }

    public boolean isRunning() {
        return streams.state().isRunningOrRebalancing();
    }

    public KafkaStreams streams() {
        return streams;
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
