package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which open transactions are hanging, from what the coordinators say of them. */
class HangingTransactionsTest {
    static final TopicPartition CHANGELOG = new TopicPartition("heomdm-analytics-customers-changelog", 10);
    static final HangingTransactions.Open OPEN = new HangingTransactions.Open(CHANGELOG, 42, (short) 3, 7, 662);

    static TransactionDescription coordinator(TransactionState state, long producerId, Set<TopicPartition> partitions) {
        return new TransactionDescription(1, state, producerId, 3, 10_000, OptionalLong.of(0), partitions);
    }

    @Test
    void aTransactionNoCoordinatorKnowsIsHanging() {
        assertThat(HangingTransactions.hanging(List.of(OPEN), Map.of(), Map.of())).containsExactly(OPEN);
    }

    @Test
    void aTransactionItsCoordinatorIsWritingToThePartitionIsNot() {
        var ongoing = coordinator(TransactionState.ONGOING, 42, Set.of(CHANGELOG));
        var committing = coordinator(TransactionState.PREPARE_COMMIT, 42, Set.of(CHANGELOG));

        assertThat(HangingTransactions.hanging(List.of(OPEN), Map.of(42L, "app-1"), Map.of("app-1", Optional.of(ongoing)))).isEmpty();
        assertThat(HangingTransactions.hanging(List.of(OPEN), Map.of(42L, "app-1"), Map.of("app-1", Optional.of(committing)))).isEmpty();
    }

    @Test
    void aTransactionWhoseCoordinatorHasMovedOnFromThePartitionIsHanging() {
        // the marker was lost: the coordinator completed the transaction and now runs the next one elsewhere
        var elsewhere = coordinator(TransactionState.ONGOING, 42, Set.of(new TopicPartition("heomdm-analytics-customers-changelog", 3)));
        var complete = coordinator(TransactionState.COMPLETE_COMMIT, 42, Set.of());
        var reassigned = coordinator(TransactionState.ONGOING, 43, Set.of(CHANGELOG));

        for (var d : List.of(elsewhere, complete, reassigned)) {
            assertThat(HangingTransactions.hanging(List.of(OPEN), Map.of(42L, "app-1"), Map.of("app-1", Optional.of(d)))).containsExactly(OPEN);
        }
        assertThat(HangingTransactions.hanging(List.of(OPEN), Map.of(42L, "app-1"), Map.of("app-1", Optional.empty()))).containsExactly(OPEN);
    }
}
