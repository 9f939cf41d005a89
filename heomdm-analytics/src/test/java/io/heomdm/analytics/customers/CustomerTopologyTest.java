package io.heomdm.analytics.customers;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.CustomerErased;
import io.heomdm.events.schema.CustomerScored;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.SegmentDefined;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomerTopologyTest {
    static final Instant T0 = Instant.parse("2026-09-01T08:00:00Z");
    static final Duration SWEEP = Duration.ofMinutes(1);

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> activity;
    TestOutputTopic<String, byte[]> segments;
    TestOutputTopic<String, byte[]> scores;
    TestInputTopic<String, byte[]> definitions;
    SegmentCatalog catalog;

    void start(CustomerAnalyticsSettings settings, Map<String, String> rules, Instant wallClock) {
        Map<String, io.heomdm.analytics.segments.Rule> parsed = new LinkedHashMap<>();
        rules.forEach((name, json) -> parsed.put(name, RuleParser.parse(json)));
        var props = TopologyTests.properties("analytics-test", stateDir);
        catalog = SegmentCatalog.of(parsed);
        driver = new TopologyTestDriver(CustomerTopology.build(settings, catalog), props, wallClock);
        activity = TopologyTests.input(driver, MarketTopics.ACTIVITY);
        segments = TopologyTests.output(driver, AnalyticsTopics.SEGMENTS);
        scores = TopologyTests.output(driver, AnalyticsTopics.SCORES);
        definitions = TopologyTests.input(driver, AnalyticsTopics.SEGMENT_DEFINITIONS);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    static CustomerAnalyticsSettings settings() {
        return new CustomerAnalyticsSettings(SWEEP, SWEEP, 5, Optional.empty(), 10);
    }

    void send(String customerId, SpecificRecord payload, Instant at) {
        var type = EventCatalog.byName(payload.getSchema().getName()).orElseThrow();
        var envelope = new Envelope(UUID.randomUUID(), type.name(), type.version(), customerId, at, null, null, null);
        activity.pipeInput(new TestRecord<>(customerId, AvroCodec.encode(payload), KafkaHeaders.of(envelope), at));
    }

    static OrderPlaced order(String customerId, String total) {
        return OrderPlaced.newBuilder().setCustomerId(customerId).setOrderId(UUID.randomUUID().toString()).setLines(List.of())
                .setTotal(new BigDecimal(total)).build();
    }

    record Out(String key, Envelope envelope, SpecificRecord payload) {
    }

    static List<Out> read(TestOutputTopic<String, byte[]> topic) {
        List<Out> out = new ArrayList<>();
        for (var r : topic.readRecordsToList()) {
            if (r.value() == null) {
                out.add(new Out(r.key(), null, null));
            } else {
                Envelope e = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
                out.add(new Out(r.key(), e, AvroCodec.decode(e, r.value())));
            }
        }
        return out;
    }

    static List<String> changes(List<Out> out) {
        return out.stream().map(o -> o.payload() instanceof SegmentEntered s ? "+" + s.getSegment() + " " + s.getTrigger()
                : o.payload() instanceof SegmentExited s ? "-" + s.getSegment() + " " + s.getTrigger() : "tombstone " + o.key()).toList();
    }

    @Test
    void aSegmentIsEnteredOnAnEventAndLeftByTheClockWithNoEventArriving() {
        start(settings(), Map.of(
                "recent-buyers", "{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 30}}",
                "lapsed", "{\"and\": [{\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 1}, {\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 30, \"notOccurred\": true}}]}"),
                T0);
        send("c-1", order("c-1", "30.00"), T0);
        var first = read(segments);
        assertThat(changes(first)).containsExactlyInAnyOrder("+recent-buyers EVENT", "+New EVENT");
        assertThat(first).allSatisfy(o -> assertThat(o.key()).isEqualTo(((SegmentEntered) o.payload()).getSegment() + "/c-1"));
        assertThat(first.get(0).envelope().causationId()).as("caused by the order").isNotNull();

        driver.advanceWallClockTime(Duration.ofDays(29));
        assertThat(changes(read(segments))).as("29 days on: still a recent buyer, but recency has fallen a score")
                .containsExactlyInAnyOrder("-New CLOCK", "+Promising CLOCK");

        driver.advanceWallClockTime(Duration.ofDays(2));
        assertThat(changes(read(segments))).as("31 days on, with no new event")
                .containsExactlyInAnyOrder("-recent-buyers CLOCK", "+lapsed CLOCK", "-Promising CLOCK", "+About to Sleep CLOCK");
    }

    @Test
    void cutPointsAreReadAgainFromThePopulation() {
        start(settings(), Map.of(), T0);
        for (int i = 1; i <= 10; i++) {
            send("c-" + i, order("c-" + i, i * 10 + ".00"), T0);
        }
        Map<String, CustomerScored> latest = latestScores();
        assertThat(latest.get("c-10").getMonetary()).as("100 spent against the default cut points 50/100/250/500").isEqualTo(2);

        driver.advanceWallClockTime(SWEEP); // this sweep reads the quintiles ...
        driver.advanceWallClockTime(SWEEP); // ... which the next one scores against
        latest.putAll(latestScores());
        assertThat(latest.get("c-10").getMonetary()).as("the most spent of the population").isEqualTo(5);
        assertThat(latest.get("c-1").getMonetary()).as("the least").isEqualTo(1);
        assertThat(latest.get("c-6").getMonetary()).isEqualTo(3);
    }

    @Test
    void churnRiskRisesAgainstTheCustomersOwnGapBetweenPurchases() {
        Instant lastOrder = T0.plus(Duration.ofDays(20));
        start(settings(), Map.of(), lastOrder);
        for (int d = 0; d <= 20; d += 10) {
            send("c-1", order("c-1", "40.00"), T0.plus(Duration.ofDays(d)));
        }
        assertThat(latestScores().get("c-1").getChurnRisk()).as("just bought").isZero();

        driver.advanceWallClockTime(Duration.ofDays(20)); // twice the usual 10-day gap
        assertThat(latestScores().get("c-1").getChurnRisk()).isEqualTo(50);
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(read(scores)).as("risk did not move by a step: nothing new is published").isEmpty();
    }

    @Test
    void erasureDropsTheProfileAndWritesTombstones() {
        start(settings(), Map.of("viewers", "{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7}}"), T0);
        send("c-1", ProductViewed.newBuilder().setCustomerId("c-1").setProductId("p-1").build(), T0);
        send("c-1", order("c-1", "25.00"), T0);
        read(segments);
        read(scores);

        send("c-1", new CustomerErased("c-1"), T0);
        assertThat(changes(read(segments))).containsExactlyInAnyOrder("tombstone viewers/c-1", "tombstone New/c-1");
        assertThat(read(scores)).extracting(Out::key, Out::payload).containsExactly(org.assertj.core.groups.Tuple.tuple("c-1", null));
        assertThat(driver.getKeyValueStore(CustomerTopology.CUSTOMERS_STORE).get("c-1")).isNull();

        driver.advanceWallClockTime(Duration.ofDays(10));
        assertThat(read(segments)).as("an erased customer is not brought back by the clock").isEmpty();
    }

    @Test
    void anUnreadableRecordIsSkippedAndTheNextIsProcessed() {
        start(settings(), Map.of("viewers", "{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7}}"), T0);
        activity.pipeInput(new TestRecord<>("c-1", new byte[] {1, 2, 3}, new RecordHeaders(), T0));
        send("c-1", ProductViewed.newBuilder().setCustomerId("c-1").setProductId("p-1").build(), T0);
        assertThat(changes(read(segments))).containsExactly("+viewers EVENT");
    }

    @Test
    void aSegmentDefinedThroughTheApiIsTakenInAndFilledByTheSweep() {
        start(settings(), Map.of(), T0);
        send("c-1", ProductViewed.newBuilder().setCustomerId("c-1").setProductId("p-1").build(), T0);
        assertThat(read(segments)).isEmpty();

        // an unreadable record on the definitions topic is skipped, not fatal to the global thread
        definitions.pipeInput(new TestRecord<>("broken", new byte[] {1, 2, 3}, new RecordHeaders(), T0));
        var defined = new SegmentDefined("viewers", "{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7}}");
        var envelope = new Envelope(UUID.randomUUID(), "SegmentDefined", 1, "viewers", T0, null, null, null);
        definitions.pipeInput(new TestRecord<>("viewers", AvroCodec.encode(defined), KafkaHeaders.of(envelope), T0));
        driver.advanceWallClockTime(SWEEP);
        assertThat(changes(read(segments))).as("the existing customer joins on the sweep").containsExactly("+viewers CLOCK");

        send("c-2", ProductViewed.newBuilder().setCustomerId("c-2").setProductId("p-1").build(), T0.plus(SWEEP));
        assertThat(changes(read(segments))).as("a new one on their event").containsExactly("+viewers EVENT");

        definitions.pipeInput(new TestRecord<>("viewers", null, new RecordHeaders(), T0)); // the definition removed
        driver.advanceWallClockTime(SWEEP);
        assertThat(changes(read(segments))).containsExactlyInAnyOrder("-viewers CLOCK", "-viewers CLOCK");
    }

    @Test
    void aRecordThatCannotBeReadIsDeadLetteredAndTheCustomersBehindItAreProcessed() {
        start(settings(), Map.of("buyers", "{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 30}}"), T0);
        var bad = new Envelope(UUID.randomUUID(), "OrderPlaced", 1, "c-1", T0, null, null, null);
        activity.pipeInput(new TestRecord<>("c-1", new byte[] {(byte) 0xff, 1, 2}, KafkaHeaders.of(bad), T0));
        send("c-2", order("c-2", "10.00"), T0);

        assertThat(changes(read(segments))).as("the next record, another customer's").containsExactly("+buyers EVENT", "+New EVENT");
        var dead = driver.createOutputTopic("analytics-test.dlt", Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo("c-1");
        assertThat(KafkaHeaders.envelope(dead.get(0).headers(), "c-1", 0).eventId()).as("replayable as the same event").isEqualTo(bad.eventId());
        assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.exception").value()))
                .isEqualTo(io.heomdm.events.MalformedMessageException.class.getName());
    }

    @Test
    void aQuarantinedDefinitionLeavesTheOthersWorkingAndAnApiSegmentIsBounded() {
        start(settings(), Map.of("buyers", "{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 30}}"), T0);
        // a definition written before the limits existed: the parser refuses it now, the topology must survive it
        var defined = new SegmentDefined("forever", "{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 999999999999}}");
        definitions.pipeInput(new TestRecord<>("forever", AvroCodec.encode(defined),
                KafkaHeaders.of(new Envelope(UUID.randomUUID(), "SegmentDefined", 1, "forever", T0, null, null, null)), T0));
        driver.advanceWallClockTime(SWEEP);
        send("c-1", order("c-1", "10.00"), T0.plus(SWEEP));
        assertThat(changes(read(segments))).as("not in forever, which is quarantined").containsExactly("+buyers EVENT", "+New EVENT");
        assertThat(catalog.quarantined()).as("shown by GET /v1/segments").containsOnlyKeys("forever");
    }

    @Test
    void theSweepRunsInSlicesAndResumesWhereItStopped() {
        start(settings(), Map.of("viewers", "{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 1}}"), T0);
        int customers = CustomerProcessor.SWEEP_SLICE + 100;
        for (int i = 0; i < customers; i++) {
            String id = String.format("c-%05d", i);
            send(id, ProductViewed.newBuilder().setCustomerId(id).setProductId("p-1").build(), T0);
        }
        assertThat(changes(read(segments))).hasSize(customers).containsOnly("+viewers EVENT");

        driver.advanceWallClockTime(Duration.ofDays(2)); // the views are out of the window: every customer leaves on the clock
        assertThat(changes(read(segments))).as("one slice").hasSize(CustomerProcessor.SWEEP_SLICE).containsOnly("-viewers CLOCK");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(changes(read(segments))).as("the rest, at the next punctuation").hasSize(100);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(read(segments)).as("the pass is done until the next is due").isEmpty();
    }

    @Test
    void anEventSentAgainWithItsEventIdCountsOnceAndTheSameIdWithAnotherPayloadIsParked() {
        start(settings(), Map.of(), T0);
        var retried = new Envelope(UUID.randomUUID(), "OrderPlaced", 1, "c-1", T0, null, null, null);
        byte[] order = AvroCodec.encode(order("c-1", "30.00"));
        for (int copy = 0; copy < 5; copy++) {
            // a retry without occurredAt is stamped anew by the gateway: the copies differ in time, not in payload
            var envelope = new Envelope(retried.eventId(), "OrderPlaced", 1, "c-1", T0.plusSeconds(copy), null, null, null);
            activity.pipeInput(new TestRecord<>("c-1", order, KafkaHeaders.of(envelope), T0.plusSeconds(copy)));
        }
        CustomerState state = (CustomerState) driver.getKeyValueStore(CustomerTopology.CUSTOMERS_STORE).get("c-1");
        assertThat(state.profile().orderCount()).as("five copies, one order").isEqualTo(1);
        assertThat(state.profile().revenue()).isEqualByComparingTo("30.00");

        activity.pipeInput(new TestRecord<>("c-1", AvroCodec.encode(order("c-1", "999.00")), KafkaHeaders.of(retried), T0.plusSeconds(9)));
        state = (CustomerState) driver.getKeyValueStore(CustomerTopology.CUSTOMERS_STORE).get("c-1");
        assertThat(state.profile().revenue()).as("the same eventId with another payload is not counted").isEqualByComparingTo("30.00");
        var dead = driver.createOutputTopic("analytics-test.dlt", Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.exception").value()))
                .isEqualTo(io.heomdm.eventlog.streams.Deduplicator.ConflictingEventException.class.getName());

        // past the retention (a week of stream time), an eventId is not remembered: counted again (documented)
        send("c-2", order("c-2", "1.00"), T0.plus(Duration.ofDays(8)));
        activity.pipeInput(new TestRecord<>("c-1", order, KafkaHeaders.of(retried), T0.plus(Duration.ofDays(8))));
        state = (CustomerState) driver.getKeyValueStore(CustomerTopology.CUSTOMERS_STORE).get("c-1");
        assertThat(state.profile().orderCount()).isEqualTo(2);
    }

    @Test
    void theStageIsLeftOutOnlyWhenTheWindowIsOffAsTheDeduplicationBenchmarkAsks() {
        var catalog = SegmentCatalog.of(Map.of());
        assertThat(CustomerTopology.build(settings(), catalog).describe().toString()).contains("deduplicate", CustomerTopology.DEDUP_STORE);
        assertThat(CustomerTopology.build(settings(), catalog, io.heomdm.eventlog.streams.Deduplicator.Window.OFF).describe().toString())
                .doesNotContain("deduplicate").doesNotContain(CustomerTopology.DEDUP_STORE);
    }

    @Test
    void theTopologyReadsAndWritesWhatItsDataflowDeclares() {
        var topology = CustomerTopology.build(settings(), SegmentCatalog.of(Map.of())).describe();
        assertThat(io.heomdm.analytics.AnalyticsDataflows.CUSTOMERS.mismatches(topology)).isEmpty();
        assertThat(io.heomdm.analytics.AnalyticsDataflows.DEMAND.mismatches(topology)).isNotEmpty();
    }

    @Test
    void anRfmNameCannotBeTakenByARule() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CustomerTopology.build(settings(),
                SegmentCatalog.of(Map.of("Champions", RuleParser.parse("{\"property\": \"orderCount\", \"op\": \"gt\", \"value\": 10}")))))
                .hasMessageContaining("segments.Champions");
    }

    Map<String, CustomerScored> latestScores() {
        Map<String, CustomerScored> latest = new LinkedHashMap<>();
        for (Out o : read(scores)) {
            latest.put(o.key(), (CustomerScored) o.payload());
        }
        return latest;
    }
}
