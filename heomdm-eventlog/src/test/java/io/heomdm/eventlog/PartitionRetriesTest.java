package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionRetriesTest {
    private static final TopicPartition P = new TopicPartition("t", 0);
    private static final long MS = 1_000_000;
    private final PartitionRetries retries = new PartitionRetries(new KafkaEventSubscriber.Retries(3, Duration.ofMillis(100), Duration.ofSeconds(30)));

    @Test
    void aFailingEventBacksOffDoublingAndItsTriesAreSpentAtTheLimit() {
        assertThat(retries.spent(retries.failed(P))).isFalse();
        assertThat(retries.retryLater(P, 0)).isEqualTo(100);
        assertThat(retries.spent(retries.failed(P))).isFalse();
        assertThat(retries.retryLater(P, 0)).isEqualTo(200);
        assertThat(retries.spent(retries.failed(P))).isTrue();
    }

    @Test
    void anOutageCostsNoTryBacksOffToFiveSecondsAtMostAndIsReportedOnceAndWhenItEnds() {
        assertThat(retries.waitFor(P, "the database", 0)).as("the outage starts").isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(retries.waitFor(P, "the database", 0)).isFalse();
        }
        assertThat(retries.due(5_000 * MS - 1)).as("held back 5 s at most, not 30").isEmpty();
        assertThat(retries.holdsBack(P)).isTrue();
        assertThat(retries.due(5_000 * MS)).containsExactly(P);
        assertThat(retries.holdsAnyBack()).isFalse();
        assertThat(retries.failed(P)).as("no try counted for the outage").isEqualTo(1);
        assertThat(retries.succeeded(P)).isEqualTo("the database");
        assertThat(retries.succeeded(P)).as("ended once").isNull();
    }
}
