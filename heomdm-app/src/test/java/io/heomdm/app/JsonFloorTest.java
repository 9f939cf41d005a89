package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFloorTest {
    @Test
    void theCeilingIsTheDirectProducersShareOfItsCostPlusTheEdges() {
        assertThat(JsonFloor.Floor.ceilingRatio(16, 4)).isEqualTo(0.8);
        assertThat(JsonFloor.Floor.ceilingRatio(16, 0)).isEqualTo(1.0);
    }

    @Test
    void readingEveryValueCostsSomethingAndTheDescriptionGivesBothCeilings() {
        byte[] body = "{\"type\":\"ProductViewed\",\"data\":{\"productId\":\"p-1\",\"price\":12.5}}\n".repeat(2_000).getBytes(StandardCharsets.UTF_8);
        var floor = JsonFloor.measure(List.of(body), 2_000, 1);
        assertThat(floor.tokenizeMicros()).isPositive();
        assertThat(floor.readMicros()).isPositive();
        assertThat(JsonFloor.describe(new JsonFloor.Floor(2, 4), 16)).contains("0.89 of the direct producer's 16.0 µs", "0.80 by values");
    }

    @Test
    void bodiesWithoutJsonAreNotMeasuredAsFree() {
        assertThatThrownBy(() -> JsonFloor.measure(List.of(new byte[0]), 1, 1)).isInstanceOf(IllegalStateException.class);
    }
}
