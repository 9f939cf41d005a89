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

    @Test
    void secretsAreRedactedForPrintingButPlaceholdersShown() {
        var shown = KafkaSettings.redacted(java.util.Map.of("sasl.jaas.config", "ScramLoginModule required username=\"a\" password=\"p\";",
                "ssl.truststore.password", "changeit", "ssl.key.password", "${env:KEY_PASSWORD}", "compression.type", "lz4"));
        org.assertj.core.api.Assertions.assertThat(shown).containsEntry("sasl.jaas.config", "[redacted]").containsEntry("ssl.truststore.password", "[redacted]")
                .containsEntry("ssl.key.password", "${env:KEY_PASSWORD}").containsEntry("compression.type", "lz4");
    }
}
