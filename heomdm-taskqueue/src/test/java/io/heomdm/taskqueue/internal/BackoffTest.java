package io.heomdm.taskqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @Test
    void delaysSpreadOverTheWholeIntervalUpToACeilingThatDoublesToTheMaximum() {
        var random = new SplittableRandom(1);
        var fourth = IntStream.range(0, 10_000).mapToLong(i -> backoff.after(4, random).toMillis()).summaryStatistics();
        assertThat(fourth.getMax()).as("the ceiling after 4 failures: 1 s doubled 3 times").isLessThanOrEqualTo(8_000);
        assertThat(fourth.getMin()).as("full jitter reaches down to 0, not to half the ceiling").isLessThan(400);
        assertThat(fourth.getAverage()).isBetween(3_600.0, 4_400.0);
        var late = IntStream.range(0, 10_000).mapToLong(i -> backoff.after(40, random).toMillis()).summaryStatistics();
        assertThat(late.getMax()).as("never past the maximum").isLessThanOrEqualTo(300_000).isGreaterThan(290_000);
    }
}
