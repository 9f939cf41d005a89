package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RestoresTest {
    private static final TopicPartition P0 = new TopicPartition("heomdm-x-profiles-changelog", 0);
    private static final TopicPartition P1 = new TopicPartition("heomdm-x-profiles-changelog", 1);

    @Test
    void aStartThatRestoredNothingSaysNothing() {
        var restores = new Restores("heomdm-x");
        // a store wiped because it never committed a record: its changelog is empty too
        restores.onRestoreStart(P0, "profiles", 0, 0);
        restores.onRestoreEnd(P0, "profiles", 0);
        assertThat(restores.report()).isEmpty();
    }

    @Test
    void whatWasRestoredIsSaidOnceInOneLine() {
        var restores = new Restores("heomdm-x");
        restores.onRestoreStart(P0, "profiles", 0, 700);
        restores.onRestoreStart(P1, "profiles", 0, 500);
        restores.onRestoreStart(new TopicPartition("heomdm-x-seen-changelog", 0), "seen", 0, 30);
        restores.onBatchRestored(P0, "profiles", 699, 700);
        restores.onBatchRestored(P1, "profiles", 499, 500);
        restores.onBatchRestored(new TopicPartition("heomdm-x-seen-changelog", 0), "seen", 29, 30);
        assertThat(restores.report()).hasValueSatisfying(line -> assertThat(line).startsWith("heomdm-x: [profiles, seen] restored from their changelogs (1230 records, "));
        // the next rebalance that restores nothing says nothing
        assertThat(restores.report()).isEmpty();
    }
}
