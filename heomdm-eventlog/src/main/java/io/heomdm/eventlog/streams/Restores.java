package io.heomdm.eventlog.streams;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an application's stores restored from their changelogs, said in one line once it runs again. Kafka says it with two
 * warnings per task instead, and since Kafka 4.4 at every start for every store that holds no committed offset — one that
 * never committed a record, or every store after a crash (its start-up tasks ignore {@code enable.transactional.statestores}):
 * a platform stopped cleanly before its first events logged 144 of them at its next start. Those warnings are filtered
 * (log4j2.xml); this line says what they meant, once, and only when something was restored.
 */
final class Restores implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private final String applicationId;
    private final LongAdder records = new LongAdder();
    private final Set<String> stores = new TreeSet<>();
    private long firstStartNanos;

    Restores(String applicationId) {
        this.applicationId = applicationId;
    }

    @Override
    public synchronized void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        if (endingOffset > startingOffset) {
            if (stores.isEmpty()) {
                firstStartNanos = System.nanoTime();
            }
            stores.add(store);
        }
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        records.add(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    }

    /** The application runs (again): one line if its stores restored anything since the last time it did, which it returns. */
    synchronized Optional<String> report() {
        long restored = records.sumThenReset();
        Optional<String> line = restored == 0 ? Optional.empty() : Optional.of("%s: %s restored from their changelogs (%d records, %d ms)"
                .formatted(applicationId, stores, restored, (System.nanoTime() - firstStartNanos) / 1_000_000));
        line.ifPresent(LOG::info);
        stores.clear();
        return line;
    }
}
