package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final long SECOND = 1_000_000_000L;

    /** {@code perSecond} completions spread evenly over {@code [from, to)} seconds. */
    private static void deliver(Timeline t, double from, double to, int perSecond) {
        long n = Math.round((to - from) * perSecond);
        for (long i = 0; i < n; i++) {
            t.completed((long) (from * SECOND + i * (double) SECOND / perSecond));
        }
    }

    @Test
    void recoveryRunsFromTheFaultToTheEndOfTheLastSecondThatDeliveredLessThanNinetyPercent() {
        var t = new Timeline(0, Duration.ofSeconds(30));
        deliver(t, 0, 10, 1000);
        deliver(t, 10, 14, 100); // the fault at 10 s: 4 s at a tenth
        deliver(t, 14, 30, 1000);
        var recovery = t.recovery(10 * SECOND, 30 * SECOND, 1000, 0.9, Duration.ofSeconds(1));
        // the window (13.3, 14.3] still delivers 700 + 30: short; the one ending at 14.4 has 600 + 10 = 610... until (14.0, 15.0] = 1000
        assertThat(recovery).isPresent();
        assertThat(recovery.get().toMillis()).isBetween(4_800L, 5_000L);
    }

    @Test
    void aFaultThatNeverShowsRecoversInNoTime() {
        var t = new Timeline(0, Duration.ofSeconds(20));
        deliver(t, 0, 20, 500);
        assertThat(t.recovery(5 * SECOND, 20 * SECOND, 500, 0.9, Duration.ofSeconds(1))).contains(Duration.ZERO);
    }

    @Test
    void deliveryStillShortAtTheEndIsNotARecovery() {
        var t = new Timeline(0, Duration.ofSeconds(20));
        deliver(t, 0, 5, 500);
        deliver(t, 5, 20, 300);
        assertThat(t.recovery(5 * SECOND, 20 * SECOND, 500, 0.9, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aBacklogCaughtUpFasterThanOfferedCountsAsBack() {
        var t = new Timeline(0, Duration.ofSeconds(20));
        deliver(t, 0, 5, 1000);
        deliver(t, 8, 10, 2500); // nothing for 3 s, then the backlog
        deliver(t, 10, 20, 1000);
        var recovery = t.recovery(5 * SECOND, 20 * SECOND, 1000, 0.9, Duration.ofSeconds(1));
        assertThat(recovery.get().toMillis()).as("the second (7.3, 8.3] delivers 750: short; (7.4, 8.4] delivers 1000").isBetween(3_200L, 3_400L);
    }

    @Test
    void jitterAroundTheOfferedRateIsNotAFaultOverALongerWindow() {
        var t = new Timeline(0, Duration.ofSeconds(40));
        for (int s = 0; s < 40; s++) {
            deliver(t, s, s + 1, s % 2 == 0 ? 850 : 1150); // steady on average, every other second under 90 %
        }
        assertThat(t.recovery(10 * SECOND, 40 * SECOND, 1000, 0.9, Duration.ofSeconds(1)).get().toSeconds()).as("over one second: a bogus recovery")
                .isGreaterThanOrEqualTo(29);
        assertThat(t.recovery(10 * SECOND, 40 * SECOND, 1000, 0.9, Duration.ofSeconds(5))).as("over five").contains(Duration.ZERO);
    }

    @Test
    void theCurveIsTheDeliveredRateOverTheSecondEndingAtEachTenth() {
        var t = new Timeline(0, Duration.ofSeconds(10));
        deliver(t, 0, 10, 200);
        double[][] xy = t.curve(2 * SECOND, 4 * SECOND, 3 * SECOND);
        assertThat(xy[0]).hasSize(21).startsWith(-1.0);
        assertThat(java.util.Arrays.stream(xy[1]).boxed().toList()).containsOnly(200.0);
    }

    @Test
    void theLatencyOverTimeIsTheWorstOfTheEventsDueInEachTenthAndSkipsTenthsWithNone() {
        var t = new Timeline(0, Duration.ofSeconds(10));
        t.latency(2 * SECOND + 10_000_000, 5_000);
        t.latency(2 * SECOND + 90_000_000, 300_000); // a stall: the worst of its tenth
        t.latency(2 * SECOND + 150_000_000, 7_000);
        t.latency(2 * SECOND + 450_000_000, 4_000);
        t.latency(SECOND, 900_000); // before the window
        double[][] xy = t.worstLatency(Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(xy[0]).containsExactly(0.0, 0.1, 0.4);
        assertThat(xy[1]).containsExactly(300.0, 7.0, 4.0);
    }
}
