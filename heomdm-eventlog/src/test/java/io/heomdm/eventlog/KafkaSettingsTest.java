package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
    @Test
    void everyClientGetsSocketBuffersSizedByTheKernel() {
        assertThat(KafkaSettings.singleBroker("127.0.0.1:9092").clientProperties())
                .containsEntry("receive.buffer.bytes", "-1")
                .containsEntry("send.buffer.bytes", "-1");
    }

    @Test
    void theUsersOwnPropertiesWinOverTheDefaults() {
        var settings = new KafkaSettings("b:9092", Map.of("receive.buffer.bytes", "1048576", "security.protocol", "SSL"),
                Duration.ofSeconds(10), (short) 3, 2);

        assertThat(settings.clientProperties())
                .containsEntry("receive.buffer.bytes", "1048576")
                .containsEntry("send.buffer.bytes", "-1")
                .containsEntry("security.protocol", "SSL");
    }
}
