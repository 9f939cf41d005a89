package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the soak judges its samples: recovery after each kill and the heap's drift. */
class SoakTest {
    static Soak.Sample at(double minute, double lagSeconds, double heap) {
        return new Soak.Sample(minute, Instant.EPOCH.plusSeconds((long) (minute * 60)), 100, (long) (lagSeconds * 100), lagSeconds, "customers", heap, 0);
    }

    @Test
    void aKillIsRecoveredAtTheFirstLookAfterTheLagWasLastOverFiveSeconds() {
        var samples = List.of(at(1.0, 0, 100), at(1.1, 12, 100), at(1.2, Double.NaN, 100), at(1.3, 6, 100), at(1.4, 2, 100), at(1.5, 1, 100),
                at(3.0, 0, 100), at(3.1, 9, 100), at(3.2, 8, 100));
        var kills = Soak.kills(List.of(1.0, 3.0), samples, 3.2);

        assertThat(kills.get(0).recoveredIn()).hasValue(Duration.ofSeconds(24));
        assertThat(kills.get(0).recovered()).isTrue();
        assertThat(kills.get(1).recoveredIn()).as("still behind at the end").isEmpty();
        assertThat(kills.get(1).recovered()).isFalse();
    }

    @Test
    void theBrokersAndTheInstancesKillsAreJudgedTogetherInTheOrderTheyHappened() {
        var samples = List.of(at(1.0, 9, 100), at(1.5, 1, 100), at(2.05, 7, 100), at(2.2, 0, 100), at(3.0, 0, 100));
        var kills = Soak.kills(List.of(2.0), List.of(1.0), samples, 3.0);

        assertThat(kills).extracting(Soak.Kill::what).containsExactly("instance", "broker");
        assertThat(kills).extracting(Soak.Kill::recoveredIn).containsExactly(Optional.of(Duration.ofSeconds(30)), Optional.of(Duration.ofSeconds(12)));
    }

    @Test
    void aKillTheLagNeverNoticedIsRecoveredAtOnceAndALateOneIsNot() {
        assertThat(Soak.kills(List.of(1.0), List.of(at(1.0, 1, 100), at(1.1, 2, 100)), 2).get(0).recoveredIn()).hasValue(Duration.ZERO);
        assertThat(Soak.kills(List.of(1.0), List.of(at(1.0, 9, 100), at(2.5, 1, 100)), 3).get(0).recovered()).as("back after 90 s").isFalse();
    }

    @Test
    void theHeapIsJudgedFromMinuteTenAgainstItsMedian() {
        assertThat(Soak.heapDrift(List.of(at(1, 0, 100), at(2, 0, 300)))).isEmpty();
        var drift = Soak.heapDrift(List.of(at(5, 0, 900), at(10, 0, 200), at(20, 0, 210), at(30, 0, 190), at(40, 0, 230)));
        assertThat(drift).hasValueSatisfying(d -> assertThat(d).isCloseTo(20 / 210.0, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(new Soak.Result(Soak.Plan.of(Duration.ofMinutes(60), 1, Duration.ofMinutes(5)), List.of(), List.of(), 1, 1, 0, 0, 0, 0, 0,
                Optional.of(0.143)).heapSteady()).isFalse();
    }
}
