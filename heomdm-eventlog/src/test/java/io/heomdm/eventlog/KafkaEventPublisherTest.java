package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaEventPublisherTest {
    private static KafkaSettings settings(Map<String, String> properties) {
        return new KafkaSettings("b:9092", properties, Duration.ofSeconds(10), (short) 3, 2);
    }

    @Test
    void withoutPropertiesOfItsOwnTheProducerIsTunedForTwoKilobyteEvents() {
        var props = KafkaEventPublisher.properties(settings(Map.of()), "c");

        assertThat(props).containsEntry("compression.type", "lz4").containsEntry("linger.ms", "5").containsEntry("batch.size", "65536")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true").containsEntry("request.timeout.ms", 9_995);
    }

    @Test
    void theUsersTuningWins() {
        var props = KafkaEventPublisher.properties(settings(Map.of("compression.type", "none", "linger.ms", "20", "acks", "-1")), "c");

        assertThat(props).containsEntry("compression.type", "none").containsEntry("linger.ms", "20").containsEntry("batch.size", "65536")
                .containsEntry("request.timeout.ms", 9_980).containsEntry("acks", "all");
    }

    @Test
    void aWeakerAcknowledgementIsRefusedByName() {
        assertThatThrownBy(() -> KafkaEventPublisher.properties(settings(Map.of("acks", "1")), "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka.properties.acks=1").hasMessageContaining("acks=all");
        assertThatThrownBy(() -> KafkaEventPublisher.properties(settings(Map.of("enable.idempotence", "false")), "c"))
                .hasMessageContaining("kafka.properties.enable.idempotence=false");
    }
}
