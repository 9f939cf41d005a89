package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TallyTest {
    @Test
    void anInjectedLossIsCountedAndSoAreDuplicates() {
        var tally = new Tally(1000);
        LongStream.range(0, 1000).filter(s -> s != 17 && s != 640).parallel().forEach(tally::arrived);
        assertThat(tally.missing(0, 1000)).isEqualTo(2);
        assertThat(tally.missing(0, 17)).isZero();
        assertThat(tally.duplicates()).isZero();

        assertThat(tally.arrived(5)).as("second arrival").isFalse();
        assertThat(tally.arrived(17)).as("late, first arrival").isTrue();
        assertThat(tally.duplicates()).isEqualTo(1);
        assertThat(tally.missing(0, 1000)).isEqualTo(1);
        assertThat(tally.arrivals()).isEqualTo(1000);
    }

    @Test
    void aSequenceNumberOutsideTheRunIsRefused() {
        assertThatThrownBy(() -> new Tally(10).arrived(10)).isInstanceOf(IllegalArgumentException.class);
    }
}
