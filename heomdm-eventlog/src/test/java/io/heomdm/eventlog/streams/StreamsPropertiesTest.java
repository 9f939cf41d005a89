package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {
    @Test
    void aUsersClientPropertiesCannotTurnOffWhatThePlatformReliesOn() {
        var careless = new KafkaSettings("k:9092", Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once",
                StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, "10000", "session.timeout.ms", "45000"), Duration.ofSeconds(10), (short) 3, 2, 1);
        var props = StreamsProperties.of("heomdm-x", careless, Path.of("/state"), 2);
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).isEqualTo(true);
        assertThat(props.get(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG)).isEqualTo(1_000L);
        assertThat(props.get(StreamsConfig.topicPrefix("segment.ms"))).isEqualTo("600000");
        assertThat(props.get(StreamsConfig.topicPrefix("min.insync.replicas"))).isEqualTo("2");
        assertThat(props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        // a client setting the platform has only a default for stays the user's
        assertThat(props.get("session.timeout.ms")).isEqualTo("45000");
        assertThat(props.get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))).isEqualTo(30_000);
        assertThat(props.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG))).as("a commit waits out a 30-minute outage")
                .isEqualTo(1_800_000);
    }

    @Test
    void aUsersTransactionTimeoutStaysTheirs() {
        String streamsProducers = StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        var forStreams = new KafkaSettings("k:9092", Map.of(streamsProducers, "15000"), Duration.ofSeconds(10), (short) 3, 2, 1);
        assertThat(StreamsProperties.of("heomdm-x", forStreams, Path.of("/state"), 1).get(streamsProducers)).isEqualTo("15000");
        // set for every producer: the prefixed default would win over it in Streams, so there is none
        var forAll = new KafkaSettings("k:9092", Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "20000"), Duration.ofSeconds(10), (short) 3, 2, 1);
        var props = StreamsProperties.of("heomdm-x", forAll, Path.of("/state"), 1);
        assertThat(props).doesNotContainKey(streamsProducers).containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "20000");
        var waitForAll = new KafkaSettings("k:9092", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "90000"), Duration.ofSeconds(10), (short) 3, 2, 1);
        assertThat(StreamsProperties.of("heomdm-x", waitForAll, Path.of("/state"), 1))
                .doesNotContainKey(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG)).containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "90000");
    }
}
