package io.heomdm.eventlog;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * Finds and aborts hanging transactions: a transaction open on a partition that no transaction
 * coordinator is completing (a marker lost in a leader change, the class of bug KIP-890 closes in
 * transactions v2). Its partition's last stable offset never moves again, so every read_committed
 * reader — a Streams application restoring its changelog among them — waits for ever. This does what
 * {@code kafka-transactions.sh find-hanging} and {@code abort} do, with one difference: a transaction
 * is a candidate only once this watchdog has seen it open, at the same first offset, for
 * {@code minAge}, rather than by the producer's last record timestamp, which is event time here and
 * may be hours old in a transaction a second old.
 */
public final class HangingTransactions {
    /** A transaction open on a partition, as the partition's leader describes it. */
    public record Open(TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch, long firstOffset) {
    }

    private final Admin admin;
    private final InstantSource clock;
    private final Duration minAge;
    private final Map<Open, Instant> firstSeen = new HashMap<>();

    /** @param minAge well above the longest transaction timeout of any producer on these partitions */
    public HangingTransactions(Admin admin, InstantSource clock, Duration minAge) {
        this.admin = admin;
        this.clock = clock;
        this.minAge = minAge;
    }

    /** One look at the partitions: the transactions open on them for at least minAge that no coordinator knows to be completing. */
    public List<Open> find(Collection<TopicPartition> partitions) throws ExecutionException, InterruptedException {
        Instant now = clock.instant();
        Set<Open> open = new HashSet<>(open(partitions));
        firstSeen.keySet().retainAll(open);
        open.forEach(o -> firstSeen.putIfAbsent(o, now));
        List<Open> old = open.stream().filter(o -> !firstSeen.get(o).plus(minAge).isAfter(now)).toList();
        if (old.isEmpty()) {
            return List.of();
        }
        Set<Long> producerIds = new HashSet<>();
        old.forEach(o -> producerIds.add(o.producerId()));
        Map<Long, String> transactionalIds = new HashMap<>();
        admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds)).all().get()
                .forEach(l -> transactionalIds.put(l.producerId(), l.transactionalId()));
        Map<String, Optional<TransactionDescription>> descriptions = new HashMap<>();
        if (!transactionalIds.isEmpty()) {
            var result = admin.describeTransactions(transactionalIds.values());
            for (String id : transactionalIds.values()) {
                try {
                    descriptions.put(id, Optional.of(result.description(id).get()));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                        throw e;
                    }
                    descriptions.put(id, Optional.empty());
                }
            }
        }
        return hanging(old, transactionalIds, descriptions);
    }

    /** The transactions open on the partitions now, as their leaders describe them. */
    public List<Open> open(Collection<TopicPartition> partitions) throws ExecutionException, InterruptedException {
        List<Open> open = new ArrayList<>();
        admin.describeProducers(partitions).all().get().forEach((tp, state) -> state.activeProducers().forEach(p -> {
            if (p.currentTransactionStartOffset().isPresent()) {
                open.add(new Open(tp, p.producerId(), (short) p.producerEpoch(), p.coordinatorEpoch().orElse(-1),
                        p.currentTransactionStartOffset().getAsLong()));
            }
        }));
        return open;
    }

    /**
     * Of the transactions open long enough, those no coordinator will complete: their producer is
     * unknown to every coordinator, or its coordinator does not list the partition among those it is
     * writing to or still has to write markers to.
     */
    static List<Open> hanging(List<Open> old, Map<Long, String> transactionalIds, Map<String, Optional<TransactionDescription>> descriptions) {
        List<Open> hanging = new ArrayList<>();
        for (Open o : old) {
            String id = transactionalIds.get(o.producerId());
            var description = id == null ? Optional.<TransactionDescription>empty() : descriptions.getOrDefault(id, Optional.empty());
            if (description.map(d -> d.producerId() != o.producerId() || !d.topicPartitions().contains(o.partition())).orElse(true)) {
                hanging.add(o);
            }
        }
        return hanging;
    }

    /** Writes an abort marker for the transaction on its partition, so the partition's last stable offset moves on. */
    public void abort(Open transaction) throws ExecutionException, InterruptedException {
        admin.abortTransaction(new AbortTransactionSpec(transaction.partition(), transaction.producerId(), transaction.producerEpoch(),
                transaction.coordinatorEpoch())).all().get();
        firstSeen.remove(transaction);
    }
}
