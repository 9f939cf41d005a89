package io.heomdm.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-publishing against a real broker: the selection by time, key and type, and each copy's key, time and headers. */
class EventCopyIT {
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final TopicSpec SANDBOX = new TopicSpec("sandbox.activity", "customerId", MarketTopics.ACTIVITY.types(), 12, TopicSpec.Cleanup.DELETE,
            Duration.ofDays(1));
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    static final List<String> orderIds = new ArrayList<>();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir, 0);
        settings = KafkaSettings.singleBroker(kafka.bootstrapServers());
        TopicAdmin.ensure(settings, List.of(MarketTopics.ACTIVITY, SANDBOX));
        var ids = new EventIds(InstantSource.system(), new SplittableRandom(5));
        try (var publisher = new KafkaEventPublisher(settings, "copy-it")) {
            // c-1 orders at minutes 1, 2, 3 and 10; c-2 views at minutes 1 and 2; c-1 views at minute 4
            for (int minute : List.of(1, 2, 3, 10)) {
                var event = event(ids, EventCatalog.ORDER_PLACED, "c-1", OrderPlaced.newBuilder().setCustomerId("c-1").setOrderId("o-" + minute)
                        .setLines(List.of()).setTotal(BigDecimal.TEN).build(), T0.plus(Duration.ofMinutes(minute)));
                publisher.publish(MarketTopics.ACTIVITY, event).join();
                if (minute < 5) {
                    orderIds.add(event.envelope().eventId().toString());
                }
            }
            for (var view : List.of(Map.entry("c-2", 1), Map.entry("c-2", 2), Map.entry("c-1", 4))) {
                publisher.publish(MarketTopics.ACTIVITY, event(ids, EventCatalog.PRODUCT_VIEWED, view.getKey(), ProductViewed.newBuilder()
                        .setCustomerId(view.getKey()).setProductId("p").build(), T0.plus(Duration.ofMinutes(view.getValue())))).join();
            }
        }
    }

    static <T extends org.apache.avro.specific.SpecificRecord> Event<T> event(EventIds ids, io.heomdm.events.EventType<T> type, String key, T payload,
            Instant at) {
        return new Event<>(new io.heomdm.events.Envelope(ids.next(), type.name(), type.version(), key, at, null, null, null), payload);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void theOrdersOfATimeRangeAreCopiedWithTheirKeysTimesAndEventIds() throws Exception {
        List<long[]> progress = new CopyOnWriteArrayList<>();
        var result = EventCopy.copy(settings, new EventCopy.Selection(MarketTopics.ACTIVITY.name(), Optional.of(T0), Optional.of(T0.plus(Duration.ofMinutes(5))),
                Optional.empty(), Optional.of("OrderPlaced")), SANDBOX.name(), false, (scanned, total) -> progress.add(new long[] {scanned, total}));
        // read from minute 1 to the end: all 7; the c-1 view at minute 4, written after the order at minute 10, is in range but no order
        assertThat(result).isEqualTo(new EventCopy.Result(7, 3, 3));
        assertThat(progress.get(progress.size() - 1)).containsExactly(7, 7);

        List<ConsumerRecord<String, byte[]>> copies = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            ParkedRecords.of(admin, kafka.bootstrapServers(), Map.of(), SANDBOX.name()).read(copies::add);
        }
        assertThat(copies).extracting(ConsumerRecord::key).containsOnly("c-1").hasSize(3);
        assertThat(copies).extracting(r -> new String(r.headers().lastHeader(EnvelopeMapping.EVENT_ID).value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(orderIds);
        assertThat(copies).extracting(r -> Instant.ofEpochMilli(r.timestamp()))
                .containsExactlyInAnyOrder(T0.plus(Duration.ofMinutes(1)), T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(3)));
    }

    @Test
    void aDryRunCountsOneCustomersEventsOfATimeRangeTheLateOneIncludedAndWritesNothing() throws Exception {
        var result = EventCopy.copy(settings, new EventCopy.Selection(MarketTopics.ACTIVITY.name(), Optional.of(T0),
                Optional.of(T0.plus(Duration.ofMinutes(5))), Optional.of("c-1"), Optional.empty()), "nowhere.at.all", true, (scanned, total) -> { });
        assertThat(result).as("orders at minutes 1-3 and the view at minute 4, written after the order at minute 10")
                .isEqualTo(new EventCopy.Result(7, 4, 0));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain("nowhere.at.all");
        }
    }
}
