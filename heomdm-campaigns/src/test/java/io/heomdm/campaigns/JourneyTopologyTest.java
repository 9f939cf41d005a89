package io.heomdm.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.ChannelConsent;
import io.heomdm.events.schema.CustomerSuppressed;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentTrigger;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JourneyTopologyTest {
    /** 12:00 UTC: 21:00 in Tokyo (quiet), 07:00 in New York (quiet), 12:00 in London. */
    static final Instant T0 = Instant.parse("2026-11-10T12:00:00Z");
    static final Duration TICK = Duration.ofSeconds(10);
    static final GateSettings NO_CAPS = new GateSettings(List.of(), null, null);

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> activity;
    TestInputTopic<String, byte[]> segments;
    TestInputTopic<String, byte[]> outcomes;
    TestInputTopic<String, byte[]> prices;
    TestInputTopic<String, byte[]> campaigns;
    TestOutputTopic<String, byte[]> deliveries;
    Instant now = T0;

    void start(GateSettings gate, Journey... journeys) {
        start(new CampaignSettings(List.of(journeys), gate, TICK, null));
    }

    void start(CampaignSettings settings) {
        var props = TopologyTests.properties("campaigns-test", stateDir);
        driver = new TopologyTestDriver(CampaignsTopology.build(settings, new JourneyQuarantine(), Deduplicator.Window.DEFAULT, () -> now), props, T0);
        activity = TopologyTests.input(driver, MarketTopics.ACTIVITY);
        segments = TopologyTests.input(driver, SharedTopics.SEGMENTS);
        if (settings.priceDrop() != null) {
            prices = TopologyTests.input(driver, io.heomdm.decisions.DecisionsTopics.PRICES);
        }
        campaigns = TopologyTests.input(driver, MarketTopics.CAMPAIGNS);
        outcomes = TopologyTests.input(driver, MarketTopics.TASK_OUTCOMES);
        deliveries = TopologyTests.output(driver, CampaignsTopics.DELIVERIES);
    }

    @Test
    void theTopologyReadsAndWritesWhatItsDataflowDeclares() {
        var topology = CampaignsTopology.build(new CampaignSettings(List.of(BuiltInJourneys.priceDrop("price-drop")), NO_CAPS, TICK,
                new PriceDropSettings(10, Duration.ofDays(7), "price-drop"))).describe();
        assertThat(CampaignsDataflows.CAMPAIGNS.mismatches(topology)).isEmpty();
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    void advance(Duration d) {
        now = now.plus(d);
        driver.advanceWallClockTime(d);
    }

    void customer(String id, String timeZone, boolean emailConsent) {
        TopologyTests.send(activity, id, CustomerUpdated.newBuilder().setCustomerId(id).setEmail(id + "@example.com").setTimeZone(timeZone)
                .setConsent(ChannelConsent.newBuilder().setEmail(emailConsent).build()).build(), now);
    }

    void cartAdd(String customer, String product) {
        TopologyTests.send(activity, customer, CartItemAdded.newBuilder().setCustomerId(customer).setProductId(product).setQuantity(1)
                .setUnitPrice(new BigDecimal("25.00")).build(), now);
    }

    void order(String customer) {
        TopologyTests.send(activity, customer, OrderPlaced.newBuilder().setCustomerId(customer).setOrderId("o-" + customer + now)
                .setLines(List.of(new OrderLine("p-1", 1, new BigDecimal("25.00")))).setTotal(new BigDecimal("25.00")).build(), now);
    }

    List<DeliveryDecided> decided() {
        return TopologyTests.read(deliveries, DeliveryDecided.class).stream().map(Map.Entry::getValue).toList();
    }

    static Journey journey(String id, boolean transactional, Journey.Node... nodes) {
        return new Journey(id, 1, new Journey.Entry("CartItemAdded", null, null), List.of(nodes), Set.of("OrderPlaced"), Duration.ZERO,
                transactional);
    }

    @Test
    void aCartAddSentFiveTimesWithItsEventIdStartsOneRun() {
        // no cool-down: every distinct cart add starts a run and sends at once, so a counted copy would show
        start(NO_CAPS, new Journey("instant", 1, new Journey.Entry("CartItemAdded", null, null),
                List.of(new Journey.Message("send", io.heomdm.events.schema.Channel.EMAIL, "cart-reminder")), Set.of(), Duration.ZERO, false));
        customer("ann", "UTC", true);
        var envelope = new io.heomdm.events.Envelope(UUID.randomUUID(), "CartItemAdded", 1, "ann", now, null, null, null);
        byte[] payload = io.heomdm.events.AvroCodec.encode(CartItemAdded.newBuilder().setCustomerId("ann").setProductId("p-1").setQuantity(1)
                .setUnitPrice(new BigDecimal("25.00")).build());
        for (int i = 0; i < 5; i++) {
            activity.pipeInput(new TestRecord<>("ann", payload, io.heomdm.eventlog.KafkaHeaders.of(envelope), now.plusSeconds(i)));
        }
        advance(TICK);
        assertThat(decided()).as("one message for five copies").hasSize(1);
        cartAdd("ann", "p-1"); // another cart add, its own eventId: a run of its own
        advance(TICK);
        assertThat(decided()).hasSize(1);
    }

    @Test
    void cartAbandonmentRemindsAfterTheDelayThenAgainAndNotWhenAnOrderCameFirst() {
        start(NO_CAPS, BuiltInJourneys.cartAbandonment(Duration.ofMinutes(60), Duration.ofHours(24), Duration.ofDays(7)));
        customer("ann", "Europe/London", true);
        customer("bob", "Europe/London", true);
        cartAdd("ann", "p-1");
        cartAdd("bob", "p-2");
        advance(Duration.ofMinutes(30));
        order("bob");                                        // bob bought within the hour: his run ends
        advance(Duration.ofMinutes(29));
        assertThat(decided()).as("not before the hour is up").isEmpty();
        advance(Duration.ofMinutes(1).plus(TICK));
        var first = decided();
        assertThat(first).singleElement().satisfies(d -> {
            assertThat(d.getCustomerId()).isEqualTo("ann");
            assertThat(d.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(d.getTemplate()).isEqualTo("cart-reminder");
            assertThat(d.getRecipient()).isEqualTo("ann@example.com");
            assertThat(d.getVariables()).containsEntry("productId", "p-1");
        });
        advance(Duration.ofHours(24));
        assertThat(decided()).singleElement().satisfies(d -> assertThat(d.getTemplate()).isEqualTo("cart-reminder-2"));
        advance(Duration.ofDays(3));
        assertThat(decided()).as("the run has ended").isEmpty();

        cartAdd("ann", "p-3");                               // within the 7-day cool-down of her last run
        advance(Duration.ofHours(2));
        assertThat(decided()).isEmpty();
        advance(Duration.ofDays(7));
        cartAdd("ann", "p-4");
        advance(Duration.ofHours(2));
        var again = decided();
        assertThat(again).singleElement().satisfies(d -> assertThat(d.getVariables()).containsEntry("productId", "p-4"));
        assertThat(again.get(0).getDeliveryId()).as("a new run is a new message").isNotEqualTo(first.get(0).getDeliveryId());
    }

    @Test
    void quietHoursDeferToTheNextMorningInTheCustomersOwnTimeZone() {
        start(new GateSettings(List.of(), LocalTime.of(21, 0), LocalTime.of(8, 0)),
                journey("now", false, new Journey.Message("hello", Channel.EMAIL, "hello")));
        customer("tokyo", "Asia/Tokyo", true);               // 21:00 there: quiet
        customer("york", "America/New_York", true);          // 07:00 there: quiet
        customer("london", "Europe/London", true);           // 12:00 there
        cartAdd("tokyo", "p");
        cartAdd("york", "p");
        cartAdd("london", "p");
        var first = decided();
        assertThat(first).extracting(DeliveryDecided::getCustomerId, DeliveryDecided::getOutcome, DeliveryDecided::getDeferredUntil)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tokyo", DeliveryOutcome.DEFERRED, Instant.parse("2026-11-10T23:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple("york", DeliveryOutcome.DEFERRED, Instant.parse("2026-11-10T13:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple("london", DeliveryOutcome.SENT, null));
        assertThat(first.get(0).getReason()).startsWith("quiet-hours");

        advance(Duration.ofMinutes(59));
        assertThat(decided()).isEmpty();
        advance(Duration.ofMinutes(1));
        var york = decided();
        assertThat(york).singleElement().satisfies(d -> {
            assertThat(d.getCustomerId()).isEqualTo("york");
            assertThat(d.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(d.getDeliveryId()).as("the same message, decided again").isEqualTo(first.get(1).getDeliveryId());
        });
        advance(Duration.ofHours(10));
        assertThat(decided()).extracting(DeliveryDecided::getCustomerId, DeliveryDecided::getOutcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tokyo", DeliveryOutcome.SENT));
    }

    @Test
    void frequencyCapsBlockTheMessageBeyondTheCapAndTransactionalOnesBypassThem() {
        var caps = new GateSettings(List.of(new GateSettings.FrequencyCap(null, 3, Duration.ofDays(7)),
                new GateSettings.FrequencyCap(Channel.EMAIL, 2, Duration.ofDays(1))), null, null);
        start(caps, journey("burst", false, new Journey.Message("m1", Channel.EMAIL, "a"), new Journey.Message("m2", Channel.EMAIL, "b"),
                new Journey.Message("m3", Channel.EMAIL, "c")));
        customer("ann", "UTC", true);
        cartAdd("ann", "p");
        assertThat(decided()).extracting(DeliveryDecided::getOutcome)
                .containsExactly(DeliveryOutcome.SENT, DeliveryOutcome.SENT, DeliveryOutcome.SUPPRESSED);
        advance(Duration.ofDays(1).plusMinutes(1));
        order("ann");                                        // ends nothing (the run is over); a new cart add starts a new run
        cartAdd("ann", "q");
        var nextDay = decided();
        assertThat(nextDay).extracting(DeliveryDecided::getOutcome)
                .as("the daily e-mail cap is free again; the weekly cap of 3 lets one more through")
                .containsExactly(DeliveryOutcome.SENT, DeliveryOutcome.SUPPRESSED, DeliveryOutcome.SUPPRESSED);
        assertThat(nextDay.get(1).getReason()).isEqualTo("frequency-cap: 3 per 168 h");
        close();

        start(caps, journey("receipts", true, new Journey.Message("m1", Channel.EMAIL, "a"), new Journey.Message("m2", Channel.EMAIL, "b"),
                new Journey.Message("m3", Channel.EMAIL, "c")));
        customer("ann", "UTC", true);
        cartAdd("ann", "p");
        assertThat(decided()).extracting(DeliveryDecided::getOutcome).containsOnly(DeliveryOutcome.SENT).hasSize(3);
    }

    @Test
    void consentAndSuppressionBlockMarketingButNotTransactionalMessages() {
        start(NO_CAPS, journey("promo", false, new Journey.Message("m", Channel.EMAIL, "promo")),
                new Journey("receipt", 1, new Journey.Entry("CartItemAdded", null, null),
                        List.of(new Journey.Message("m", Channel.EMAIL, "receipt")), Set.of(), Duration.ZERO, true));
        customer("no-consent", "UTC", false);
        customer("bounced", "UTC", true);
        customer("complained", "UTC", true);
        // a bounce reaches the suppression list from the task outcomes (keyed by task), a complaint as an event
        var bounce = new TaskFailed(java.util.UUID.randomUUID().toString(), "SendNotification", "notifications", 1,
                "bounce: 550 5.1.1 user unknown", true, "bounced");
        TopologyTests.send(outcomes, bounce.getTaskEventId(), bounce, now);
        TopologyTests.send(outcomes, "other", new TaskFailed("t2", "SendNotification", "notifications", 5, "timeout", true, "complained"), now);
        TopologyTests.send(activity, "complained", new CustomerSuppressed("complained", "complaint", true), now);
        cartAdd("no-consent", "p");
        cartAdd("bounced", "p");
        cartAdd("complained", "p");
        var decisions = decided();
        assertThat(decisions).extracting(d -> d.getCustomerId() + " " + d.getTemplate() + " " + d.getOutcome() + " " + d.getReason())
                .containsExactlyInAnyOrder(
                        "no-consent promo SUPPRESSED consent: no marketing consent for email",
                        "no-consent receipt SENT null",
                        "bounced promo SUPPRESSED suppressed: bounce",
                        "bounced receipt SENT null",
                        "complained promo SUPPRESSED suppressed: complaint",
                        "complained receipt SENT null");

        TopologyTests.send(activity, "complained", new CustomerSuppressed("complained", "complaint", false), now);
        cartAdd("complained", "p");
        assertThat(decided()).extracting(d -> d.getTemplate() + " " + d.getOutcome()).as("lifted")
                .containsExactlyInAnyOrder("promo SENT", "receipt SENT");
    }

    @Test
    void waitsSplitsAndSegmentEntriesMoveRunsOn() {
        var nodes = List.<Journey.Node>of(
                new Journey.WaitFor("wait-view", "ProductViewed", null, Duration.ofHours(1), 1, 3),
                new Journey.Split("vip", new Condition("segment", "eq", "At Risk"), null, 2, 3),
                new Journey.Message("viewed", Channel.EMAIL, "viewed"),
                new Journey.Message("timeout", Channel.EMAIL, "timeout"));
        start(NO_CAPS, new Journey("seg", 1, new Journey.Entry(null, "At Risk", null), nodes, Set.of(), Duration.ZERO, false),
                BuiltInJourneys.winBack(List.of("Lost"), "win-back", Duration.ofDays(30)).get(0));
        customer("ann", "UTC", true);
        customer("bob", "UTC", true);
        TopologyTests.send(segments, "At Risk/ann", new SegmentEntered("At Risk/ann", "At Risk", "ann", SegmentTrigger.CLOCK), now);
        TopologyTests.send(segments, "At Risk/bob", new SegmentEntered("At Risk/bob", "At Risk", "bob", SegmentTrigger.CLOCK), now);
        TopologyTests.send(segments, "Lost/bob", new SegmentEntered("Lost/bob", "Lost", "bob", SegmentTrigger.CLOCK), now);
        segments.pipeInput("Lost/ann", null);                // a tombstone is no entry
        assertThat(decided()).extracting(d -> d.getCustomerId() + " " + d.getTemplate()).containsExactly("bob win-back");
        advance(Duration.ofMinutes(10));
        TopologyTests.send(activity, "ann", ProductViewed.newBuilder().setCustomerId("ann").setProductId("p").build(), now);
        assertThat(decided()).extracting(d -> d.getCustomerId() + " " + d.getTemplate() + " " + d.getStep())
                .as("the wait answered, the split's condition holds, then the next node").containsExactly("ann viewed viewed", "ann timeout timeout");
        advance(Duration.ofHours(1));
        assertThat(decided()).extracting(d -> d.getCustomerId() + " " + d.getTemplate()).containsExactly("bob timeout");
    }

    @Test
    void aSegmentEntryWrittenAgainWithItsEventIdByARebuildStartsNoSecondRun() {
        var once = new Journey("vip", 1, new Journey.Entry(null, "VIP", null), List.of(new Journey.Message("hello", Channel.EMAIL, "hello")),
                Set.of(), Duration.ZERO, false);
        start(NO_CAPS, once);
        customer("ann", "UTC", true);
        var entry = new SegmentEntered("VIP/ann", "VIP", "ann", SegmentTrigger.EVENT);
        var envelope = new io.heomdm.events.Envelope(java.util.UUID.randomUUID(), "SegmentEntered", 1, "VIP/ann", now, null, null, null);
        segments.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("VIP/ann", io.heomdm.events.AvroCodec.encode(entry),
                io.heomdm.eventlog.KafkaHeaders.of(envelope), now));
        assertThat(decided()).extracting(d -> d.getTemplate()).containsExactly("hello");
        advance(Duration.ofMinutes(1));
        segments.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("VIP/ann", io.heomdm.events.AvroCodec.encode(entry),
                io.heomdm.eventlog.KafkaHeaders.of(envelope), now));
        assertThat(decided()).as("the same entry again").isEmpty();
        TopologyTests.send(segments, "VIP/ann", entry, now);
        assertThat(decided()).extracting(d -> d.getTemplate()).as("a new entry (another eventId) with no re-entry cooldown").containsExactly("hello");
    }

    void view(String customer, String product) {
        TopologyTests.send(activity, customer, ProductViewed.newBuilder().setCustomerId(customer).setProductId(product).build(), now);
    }

    void priceChange(String product, String from, String to, boolean applied) {
        TopologyTests.send(prices, product, io.heomdm.events.schema.PriceChanged.newBuilder().setProductId(product)
                .setPreviousPrice(new BigDecimal(from)).setProposedPrice(new BigDecimal(to)).setFinalPrice(new BigDecimal(to)).setTrail(List.of())
                .setMode(applied ? "auto" : "recommend").setApplied(applied).setReason("cycle").setDecisionId("d-" + now).build(), now);
    }

    @Test
    void aPriceDropReachesThoseWhoViewedTheProductLatelyOncePerProduct() {
        start(new CampaignSettings(List.of(BuiltInJourneys.priceDrop("price-drop")), NO_CAPS, TICK,
                new PriceDropSettings(10, Duration.ofDays(7), "price-drop")));
        for (String c : List.of("ann", "bob", "cid")) {
            customer(c, "UTC", true);
        }
        view("bob", "p-1");                                  // 10 days before the drop: too long ago
        advance(Duration.ofDays(8));
        view("ann", "p-1");
        view("cid", "p-2");
        advance(Duration.ofDays(2));
        priceChange("p-2", "20.00", "19.00", true);          // 5 %: too small
        priceChange("p-2", "20.00", "15.00", false);         // recommended, not applied
        priceChange("p-1", "20.00", "17.00", true);          // 15 %
        assertThat(decided()).singleElement().satisfies(d -> {
            assertThat(d.getCustomerId()).isEqualTo("ann");
            assertThat(d.getSource()).isEqualTo("journey:price-drop");
            assertThat(d.getTemplate()).isEqualTo("price-drop");
            assertThat(d.getVariables()).containsEntry("productId", "p-1").containsEntry("price", "17.00").containsEntry("dropPercent", "15.0");
        });
        advance(Duration.ofDays(1));
        priceChange("p-1", "17.00", "14.00", true);
        assertThat(decided()).as("once per product and customer").isEmpty();
        priceChange("p-2", "19.00", "15.00", true);
        assertThat(decided()).extracting(DeliveryDecided::getCustomerId).containsExactly("cid");
    }

    void campaign(String id, List<String> customers, String segment, Instant scheduledAt) {
        TopologyTests.send(campaigns, id, io.heomdm.events.schema.CampaignTriggered.newBuilder().setCampaignId(id).setName("Winter sale")
                .setCustomerIds(customers).setAudienceSegment(segment).setChannel(Channel.EMAIL).setTemplate("promo").setScheduledAt(scheduledAt)
                .build(), now);
    }

    @Test
    void aMarketersCampaignReachesItsListOrItsSegmentAtItsScheduledTimeOnce() {
        start(NO_CAPS);
        for (String c : List.of("ann", "bob", "cid", "dan")) {
            customer(c, "UTC", true);
        }
        campaign("c-list", List.of("ann", "bob", "ann"), null, now.plus(Duration.ofHours(2)));
        assertThat(decided()).as("scheduled two hours ahead").isEmpty();
        advance(Duration.ofHours(2));
        assertThat(decided()).extracting(d -> d.getCustomerId() + " " + d.getSource() + " " + d.getOutcome())
                .containsExactlyInAnyOrder("ann campaign:c-list SENT", "bob campaign:c-list SENT");
        campaign("c-list", List.of("ann"), null, null);
        assertThat(decided()).as("once per campaign and customer").isEmpty();

        TopologyTests.send(segments, "VIP/cid", new SegmentEntered("VIP/cid", "VIP", "cid", SegmentTrigger.EVENT), now);
        TopologyTests.send(segments, "VIP/dan", new SegmentEntered("VIP/dan", "VIP", "dan", SegmentTrigger.EVENT), now);
        TopologyTests.send(segments, "VIP/dan", new io.heomdm.events.schema.SegmentExited("VIP/dan", "VIP", "dan", SegmentTrigger.CLOCK), now);
        campaign("c-vip", List.of(), "VIP", null);
        assertThat(decided()).extracting(d -> d.getCustomerId() + " " + d.getSource() + " " + d.getVariables().get("campaignName"))
                .containsExactly("cid campaign:c-vip Winter sale");
    }

    @Test
    void aJourneyDefinedThroughTheApiIsTakenInWithinFiveSecondsAndItsMistakesAreNamedByPath() throws Exception {
        start(NO_CAPS);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var bad = json.readTree("""
                {"entry": {"event": "CartItemAddd"}, "steps": [{"message": {"channel": "fax", "template": ""}}, {"waitFor": {"event": "OrderPlaced",
                 "timeoutMinutes": 10, "onEvent": "nowhere", "onTimeout": "step-1"}}], "colour": "red"}""");
        assertThat(JourneyDefinitions.check("welcome", bad, Set.of())).extracting(io.heomdm.events.Violation::field)
                .containsExactly("journey.colour");
        var unknowns = json.readTree("""
                {"entry": {"event": "CartItemAddd"}, "steps": [{"message": {"channel": "fax", "template": ""}}, {"waitFor": {"event": "OrderPlaced",
                 "timeoutMinutes": 10, "onEvent": "nowhere", "onTimeout": "step-1"}}]}""");
        assertThat(JourneyDefinitions.check("cart-abandonment", unknowns, Set.of("mine"))).extracting(io.heomdm.events.Violation::field)
                .containsExactly("id", "journey.entry.event", "journey.steps[0].message.channel", "journey.steps[0].message.template",
                        "journey.steps[1].waitFor.onEvent");
        assertThat(JourneyDefinitions.check("mine", json.readTree("{\"entry\": {\"event\": \"CartItemAdded\"}, \"steps\": [{\"exit\": true}]}"),
                Set.of("mine"))).extracting(io.heomdm.events.Violation::rule).singleElement().asString().contains("configured");

        var good = json.readTree("""
                {"entry": {"event": "CartItemAdded"}, "exitOn": ["OrderPlaced"], "steps": [{"message": {"channel": "email", "template": "cart-reminder"}}]}""");
        assertThat(JourneyDefinitions.check("welcome", good, Set.of())).isEmpty();
        var definitions = TopologyTests.input(driver, CampaignsTopics.JOURNEY_DEFINITIONS);
        customer("ann", "Europe/London", true);
        cartAdd("ann", "p-1");
        assertThat(decided()).as("no journey yet").isEmpty();
        TopologyTests.send(definitions, "welcome", new io.heomdm.events.schema.JourneyDefined("welcome", good.toString()), now);
        advance(Duration.ofSeconds(5));
        cartAdd("ann", "p-2");
        assertThat(decided()).singleElement().satisfies(d -> {
            assertThat(d.getSource()).isEqualTo("journey:welcome");
            assertThat(d.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
        });
        // a definition that no longer compiles (written by an older version, say) is left out, and the rest keeps running
        TopologyTests.send(definitions, "welcome", new io.heomdm.events.schema.JourneyDefined("welcome", "{\"steps\": []}"), now);
        advance(Duration.ofSeconds(5));
        order("ann");
        cartAdd("ann", "p-3");
        assertThat(decided()).isEmpty();
    }
}
