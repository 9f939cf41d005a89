package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class StateSerdeTest {
    record Visit(String product, Instant at, double score) {
    }

    record Shopper(String id, Optional<String> tier, List<Visit> visits, Map<String, Long> counts) {
    }

    static final Shopper SHOPPER = new Shopper("c-1", Optional.of("gold"),
            List.of(new Visit("p-1", Instant.parse("2026-12-06T10:00:00Z"), 0.25), new Visit("p-2", Instant.parse("2026-12-06T10:01:00Z"), 0.5)),
            Map.of("views", 12L, "orders", 3L));

    final StateSerde<Shopper> serde = new StateSerde<>(Shopper.class);

    @Test
    void aValueReadsBackEqualAndIsSmallerThanItsJson() {
        byte[] bytes = serde.serializer().serialize("t", SHOPPER);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(SHOPPER);
        assertThat(new String(bytes, 0, 3, StandardCharsets.ISO_8859_1)).as("Smile's header").isEqualTo(":)\n");
        assertThat(bytes.length).isLessThan(JSON.getBytes(StandardCharsets.UTF_8).length);
    }

    static final String JSON = "{\"id\":\"c-1\",\"tier\":\"gold\",\"visits\":[{\"product\":\"p-1\",\"at\":\"2026-12-06T10:00:00Z\",\"score\":0.25},"
            + "{\"product\":\"p-2\",\"at\":\"2026-12-06T10:01:00Z\",\"score\":0.5}],\"counts\":{\"views\":12,\"orders\":3}}";

    @Test
    void aValueAnEarlierReleaseWroteAsJsonIsStillReadWithFieldsAddedOrDroppedSince() {
        assertThat(serde.deserializer().deserialize("t", JSON.getBytes(StandardCharsets.UTF_8))).isEqualTo(SHOPPER);
        String older = "{\"id\":\"c-2\",\"visits\":[],\"counts\":{},\"retired\":true}"; // no tier yet, a field since removed
        assertThat(serde.deserializer().deserialize("t", older.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Shopper("c-2", Optional.empty(), List.of(), Map.of()));
    }

    @Test
    void aValueOverTheLimitIsRefusedBeforeItReachesATopic() {
        var huge = new Shopper("c-3", Optional.of("x".repeat(StateSerde.MAX_BYTES)), List.of(), Map.of());
        assertThatThrownBy(() -> serde.serializer().serialize("t", huge)).isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("Shopper for t is");
    }
}
