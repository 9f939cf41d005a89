package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker: a transaction its coordinator knows is left alone however old, and an abort
 * written by the watchdog moves the partition's last stable offset to its end.
 */
class HangingTransactionsIT {
    @TempDir
    Path dir;

    @Test
    void anOpenTransactionItsCoordinatorKnowsIsLeftAloneAndAnAbortReleasesThePartition() throws Exception {
        var topic = new TopicSpec("hanging-it", "k", MarketTopics.ACTIVITY.types(), 1, TopicSpec.Cleanup.DELETE, Duration.ofDays(1));
        var tp = new TopicPartition(topic.name(), 0);
        try (var kafka = EmbeddedKafka.start(dir, 0)) {
            var settings = KafkaSettings.singleBroker(kafka.bootstrapServers());
            TopicAdmin.ensure(settings, List.of(topic));
            Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "hanging-it",
                    "transaction.timeout.ms", 600_000);
            try (var admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                    var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic.name(), "k", "v")).get();
                var now = new AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
                InstantSource clock = now::get;
                var watchdog = new HangingTransactions(admin, clock, Duration.ofMinutes(1));

                var open = watchdog.open(List.of(tp));
                assertThat(open).hasSize(1);
                assertThat(open.get(0).firstOffset()).isZero();
                assertThat(watchdog.find(List.of(tp))).isEmpty();
                now.set(now.get().plus(Duration.ofMinutes(5)));
                assertThat(watchdog.find(List.of(tp))).as("open for 5 minutes, but its coordinator is writing to the partition").isEmpty();
                assertThat(stableOffset(admin, tp)).isZero();

                watchdog.abort(open.get(0));

                assertThat(stableOffset(admin, tp)).isEqualTo(2); // the record and the abort marker
                assertThat(watchdog.open(List.of(tp))).isEmpty();
            }
        }
    }

    private static long stableOffset(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(tp).get().offset();
    }
}
