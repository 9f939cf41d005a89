package io.heomdm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
    @Test
    void idsAreVersion7AndCarryTheClocksMillis() {
        Instant now = Instant.parse("2026-11-23T10:00:00.123Z");
        UUID id = new EventIds(InstantSource.fixed(now), new SplittableRandom(7)).next();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(EventIds.timestampMillis(id)).isEqualTo(now.toEpochMilli());
    }

    @Test
    void idsSortByTime() {
        var random = new SplittableRandom(1);
        UUID earlier = new EventIds(InstantSource.fixed(Instant.ofEpochMilli(1_000)), random).next();
        UUID later = new EventIds(InstantSource.fixed(Instant.ofEpochMilli(2_000)), random).next();
        assertThat(earlier.toString()).isLessThan(later.toString());
    }

    @Test
    void derivedIdsAreDeterministicPerPurposeAndKeepTheParentsTime() {
        UUID parent = new EventIds(InstantSource.fixed(Instant.ofEpochMilli(123_456)), new SplittableRandom(3)).next();
        assertThat(EventIds.derive(parent, "a")).isEqualTo(EventIds.derive(parent, "a")).isNotEqualTo(EventIds.derive(parent, "b"));
        assertThat(EventIds.derive(parent, "a").version()).isEqualTo(7);
        assertThat(EventIds.timestampMillis(EventIds.derive(parent, "a"))).isEqualTo(123_456);
    }

    @Test
    void traceparentsAreValidAndInvalidOnesAreRecognised() {
        String t = Traceparent.newTrace(new SplittableRandom(5));
        assertThat(Traceparent.isValid(t)).isTrue();
        assertThat(Traceparent.isValid("00-00000000000000000000000000000000-0000000000000001-01")).isFalse();
        assertThat(Traceparent.isValid("garbage")).isFalse();
        assertThat(Traceparent.isValid(null)).isFalse();
    }
}
