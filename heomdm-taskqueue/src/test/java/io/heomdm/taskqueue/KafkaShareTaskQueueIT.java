package io.heomdm.taskqueue;

import io.heomdm.embedded.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract on Kafka share groups (KIP-932), on an embedded broker. */
class KafkaShareTaskQueueIT extends TaskQueueContract {
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaShareTaskQueue queue;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir, 0);
        queue = new KafkaShareTaskQueue(KafkaShareSettings.singleBroker(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        queue.close();
        kafka.close();
    }

    @Override
    TaskQueue queue() {
        return queue;
    }

    @Override
    List<String> deadLetters(QueueSpec<?> spec) {
        List<String> ids = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "dlt-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(KafkaShareTaskQueue.deadLetterTopic(spec)));
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r ->
                        ids.add(new String(r.headers().lastHeader("heomdm-event-id").value(), StandardCharsets.UTF_8)));
            }
        }
        return ids;
    }
}
