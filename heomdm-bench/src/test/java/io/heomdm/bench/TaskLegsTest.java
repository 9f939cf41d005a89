package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskLegsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void eachLegRunsFromTheStampBeforeItAndOnlyMeasuredCompleteEventsCount() {
        var legs = new TaskLegs();
        // event s is due at s ms
        legs.decided(10, 12 * MS);
        legs.queued(10, 20 * MS);
        legs.done(10, 23 * MS);
        legs.decided(3, 4 * MS); // in the warm-up
        legs.queued(3, 5 * MS);
        legs.done(3, 6 * MS);
        legs.decided(11, 13 * MS); // its task never ran
        legs.queued(11, 14 * MS);

        var split = legs.split(5, seq -> seq * MS);

        assertThat(split.toDecision().getTotalCount()).isEqualTo(1);
        assertThat(split.toDecision().getMaxValue()).isBetween(1_999L, 2_001L);
        assertThat(split.toQueued().getMaxValue()).isBetween(7_995L, 8_005L);
        assertThat(split.toDone().getMaxValue()).isBetween(2_999L, 3_001L);
    }

    @Test
    void aTaskThatRanBeforeItsAcknowledgementWasHeardSpendsNoTimeAfterIt() {
        var legs = new TaskLegs();
        legs.decided(1, 2 * MS);
        legs.done(1, 4 * MS);
        legs.queued(1, 5 * MS);
        var split = legs.split(0, seq -> seq * MS);
        assertThat(split.toDone().getMaxValue()).isZero();
        assertThat(split.toQueued().getMaxValue()).isBetween(2_999L, 3_001L);
    }

    @Test
    void splitsOfSeveralRunsMergeLegByLeg() {
        var a = new TaskLegs();
        a.decided(0, MS);
        a.queued(0, 2 * MS);
        a.done(0, 3 * MS);
        var b = new TaskLegs();
        b.decided(0, 10 * MS);
        b.queued(0, 20 * MS);
        b.done(0, 30 * MS);
        var merged = TaskLegs.Split.merge(List.of(a.split(0, s -> 0), b.split(0, s -> 0)));
        assertThat(merged.toDecision().getTotalCount()).isEqualTo(2);
        assertThat(merged.toDone().getMaxValue()).isBetween(9_990L, 10_010L);
    }
}
