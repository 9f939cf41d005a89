package io.heomdm.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void portsChosenTogetherAreDistinctAndFree() {
        int[] ports = Ports.free(200);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(200);
        assertThat(Arrays.stream(ports).allMatch(Ports::isFree)).isTrue();
    }
}
