package io.heomdm.app;

import io.heomdm.events.Daemons;
import io.heomdm.app.catalog.PlatformDataflows;
import io.heomdm.eventlog.HangingTransactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for hanging transactions on HEOMDM's topics every half minute and aborts them. The embedded
 * cluster runs transactions v1 (KAFKA-18202 under v2), where a leader change can lose a transaction's
 * marker; the partition's last stable offset then stops, and a Streams application restoring that
 * changelog stays "restoring" for good (seen in the exactly-once check after a broker kill). Only
 * topics HEOMDM writes in transactions are looked at: its own, its Streams applications' internal
 * topics and their dead-letter topics; another team's topics on a shared cluster are theirs.
 */
final class TransactionWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionWatchdog.class);
    private static final Duration EVERY = Duration.ofSeconds(30);
    /** Far above the Streams applications' transaction timeout (30 s): nothing of HEOMDM's is legitimately open this long. */
    static final Duration MIN_AGE = Duration.ofMinutes(2);

    private final Admin admin;
    private final HangingTransactions hanging;
    private final Counter aborted;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(Daemons.named("heomdm-transaction-watchdog"));

    TransactionWatchdog(Admin admin, InstantSource clock, MeterRegistry metrics) {
        this.admin = admin;
        this.hanging = new HangingTransactions(admin, clock, MIN_AGE);
        this.aborted = Counter.builder("heomdm.kafka.hanging.transactions.aborted")
                .description("transactions no coordinator was completing, aborted so their partitions could be read past").register(metrics);
    }

    TransactionWatchdog start() {
        scheduler.scheduleWithFixedDelay(this::look, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
        return this;
    }

    /** A topic HEOMDM writes in transactions: one of the platform's, a Streams application's own, or a dead-letter topic. */
    static boolean heomdms(String topic, Set<String> platformTopics) {
        return platformTopics.contains(topic) || topic.startsWith("heomdm-") || topic.endsWith(".dlt") && !topic.startsWith("__");
    }

    private void look() {
        try {
            Set<String> platform = PlatformDataflows.topics().keySet();
            List<String> topics = admin.listTopics().names().get().stream().filter(t -> heomdms(t, platform)).toList();
            List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition()))).toList();
            for (var t : hanging.find(partitions)) {
                hanging.abort(t);
                aborted.increment();
                log.warn("aborted a hanging transaction on {} (producer {}, epoch {}): open since offset {} for over {} with no coordinator "
                        + "completing it, it held every read_committed reader of the partition there", t.partition(), t.producerId(),
                        t.producerEpoch(), t.firstOffset(), MIN_AGE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the cluster away: the next look tries again, and the cluster's own health check says so
            log.debug("could not look for hanging transactions", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
