package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
    /** A clock that moves only when the loop waits or a send takes time. */
    static final class FakeTicker implements OpenLoop.Ticker {
        long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void parkUntil(long deadline) {
            now = Math.max(now, deadline);
        }
    }

    @Test
    void eachEventIsDueAtStartPlusItsIndexOverTheRate() throws Exception {
        var ticker = new FakeTicker();
        var loop = new OpenLoop(ticker, 1000);
        List<long[]> sent = new ArrayList<>();
        long late = loop.run(5_000_000, 4, (seq, due) -> sent.add(new long[] {seq, due, ticker.nanoTime()}));
        assertThat(sent).extracting(s -> s[1]).containsExactly(5_000_000L, 6_000_000L, 7_000_000L, 8_000_000L);
        assertThat(sent).allSatisfy(s -> assertThat(s[2]).as("sent when due").isEqualTo(s[1]));
        assertThat(late).isZero();
    }

    @Test
    void aStalledSendDoesNotPushBackTheDueTimesOfTheEventsAfterIt() throws Exception {
        // no coordinated omission: a 50 ms stall on event 2 makes events 3.. late, measured from when they were due
        var ticker = new FakeTicker();
        var loop = new OpenLoop(ticker, 1000);
        List<long[]> sent = new ArrayList<>();
        long late = loop.run(0, 10, (seq, due) -> {
            sent.add(new long[] {seq, due, ticker.nanoTime()});
            if (seq == 2) {
                ticker.now += 50_000_000;
            }
        });
        assertThat(sent).extracting(s -> s[1]).containsExactly(0L, 1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L, 5_000_000L, 6_000_000L,
                7_000_000L, 8_000_000L, 9_000_000L);
        assertThat(sent.get(3)[2] - sent.get(3)[1]).as("event 3 is sent 49 ms after it was due").isEqualTo(49_000_000L);
        assertThat(late).isEqualTo(7);
    }

    @Test
    void aProducerHeldBackStopsAtTheDeadlineInsteadOfSendingItsBacklog() throws Exception {
        var ticker = new FakeTicker();
        var loop = new OpenLoop(ticker, 1000);
        // each send blocks 10 ms (a saturated server): by the 100 ms deadline only 11 of 1000 went out
        var sent = loop.run(0, 1000, 100_000_000, (seq, due) -> ticker.now += 10_000_000);
        assertThat(sent.count()).isEqualTo(11);
        assertThat(sent.late()).isEqualTo(10);
    }

    @Test
    void warmUpAndWindowBoundariesAreCountedInEvents() {
        var loop = new OpenLoop(OpenLoop.Ticker.SYSTEM, 2500);
        assertThat(loop.firstDueAfter(2_000_000_000L)).isEqualTo(5000);
        assertThat(loop.due(100, 5000)).isEqualTo(2_000_000_100L);
    }
}
