package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.bench.market.Market;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.ChannelConsent;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.storage.Outbox;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated market through the whole campaign path on the real servers: the log → the journeys
 * and the gate (Kafka Streams) → the dispatcher and the outbox → SQS → the notification worker →
 * e-mails in GreenMail. What the gate recorded must be exactly what arrived, per journey and campaign.
 */
class CampaignsIT {
    static final String CART_SUBJECT = "You left something in your cart";

    @Test
    void aSimulatedMarketsJourneyAndCampaignMailsAreExactlyTheGatesRecordedDecisions(@TempDir Path dir) throws Exception {
        // analytics and pricing off: the journeys need neither for these entries, and the test runs on 2 cores beside others
        Path config = Files.writeString(dir.resolve("heomdm.yaml"), """
                analytics: {enabled: false}
                decisions: {enabled: false}
                campaigns:
                  tickSeconds: 1
                  cartAbandonment: {enabled: false}
                  gate: {quietFrom: "", quietUntil: ""}
                  journeys:
                    instant-cart:
                      entry: {event: CartItemAdded}
                      exitOn: [OrderPlaced]
                      steps:
                        - {message: {channel: email, template: cart-reminder}}
                """);
        var env = Map.of("HEOMDM_DATA_DIR", dir.resolve("data").toString(), "HEOMDM_HTTP_PORT", "0", "HEOMDM_KAFKA_EMBEDDED_PORT", "0",
                "HEOMDM_SQS_EMBEDDED_PORT", "0", "HEOMDM_SMTP_EMBEDDED_PORT", "0");
        try (var platform = Platform.start(ConfigLoader.load(Optional.of(config), env))) {
            var market = Market.generate(300, 40, new SplittableRandom(11));
            var simulator = new MarketSimulator(market, MarketSimulator.Profile.defaults(), new SplittableRandom(12),
                    new EventIds(InstantSource.system(), new SplittableRandom(13)), null);
            Map<String, Market.Customer> customers = market.customers().stream().collect(Collectors.toMap(Market.Customer::id, c -> c));
            List<String> audience = market.customers().stream().limit(40).map(Market.Customer::id).toList();
            try (var publisher = new KafkaEventPublisher(new KafkaSettings(platform.kafkaBootstrapServers(), Map.of(), Duration.ofSeconds(30),
                    (short) 1, 1), "campaigns-it")) {
                List<CompletableFuture<?>> acks = new ArrayList<>();
                // every customer's contact and consent first, as a shop's CRM would
                for (var c : market.customers()) {
                    acks.add(publish(publisher, customerUpdated(c)));
                }
                for (var e : simulator.catalogue(Instant.now())) {
                    acks.add(publish(publisher, e));
                }
                for (long seq = 0; seq < 6000; seq++) {
                    var e = simulator.next(seq, Instant.now());
                    if (!e.envelope().type().equals(EventCatalog.CAMPAIGN_TRIGGERED.name())) {
                        acks.add(publish(publisher, e));
                    }
                }
                acks.add(publish(publisher, new Event<>(envelope(EventCatalog.CAMPAIGN_TRIGGERED.name(), EventCatalog.CAMPAIGN_TRIGGERED.version(),
                        "autumn"), CampaignTriggered.newBuilder().setCampaignId("autumn").setName("Autumn offers").setCustomerIds(audience)
                        .setChannel(Channel.EMAIL).setTemplate("campaign-autumn").build())));
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            }

            var smtp = platform.embeddedSmtp().orElseThrow();
            // settled: every decision dispatched, the outbox empty, and nothing new for a few seconds
            int[] last = {-1};
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(3)).until(() -> {
                int now = decisions(platform).size() + smtp.receivedMessages().size();
                boolean still = now == last[0] && Outbox.pending(platform.database()) == 0 && undelivered(platform) == 0;
                last[0] = now;
                return still && now > 0;
            });

            List<Decision> decisions = decisions(platform);
            List<MimeMessage> mails = smtp.receivedMessages();
            for (String source : List.of("journey:instant-cart", "campaign:autumn")) {
                String subject = source.startsWith("journey") ? CART_SUBJECT : "Autumn offers: picked for you";
                Set<String> sentTo = decisions.stream().filter(d -> d.source().equals(source) && d.outcome().equals("SENT"))
                        .map(d -> customers.get(d.customerId()).email()).collect(Collectors.toCollection(TreeSet::new));
                List<String> mailed = new ArrayList<>();
                for (MimeMessage m : mails) {
                    if (m.getSubject().equals(subject)) {
                        mailed.add(m.getAllRecipients()[0].toString());
                    }
                }
                assertThat(sentTo).as(source + " sent something").isNotEmpty();
                assertThat(mailed).as(source + ": one mail per SENT decision, to its customer").hasSize(sentTo.size())
                        .containsExactlyInAnyOrderElementsOf(sentTo);
            }
            // the gate against the market's own truth: marketing went only to customers who consented, and every refusal for consent was right
            assertThat(decisions).filteredOn(d -> d.outcome().equals("SENT")).allSatisfy(d ->
                    assertThat(customers.get(d.customerId()).emailConsent()).as(d.customerId() + " consented").isTrue());
            assertThat(decisions).filteredOn(d -> d.reason() != null && d.reason().startsWith("consent")).isNotEmpty().allSatisfy(d ->
                    assertThat(customers.get(d.customerId()).emailConsent()).as(d.customerId() + " did not consent").isFalse());
            // the campaign reached its whole audience, each customer decided once
            assertThat(decisions).filteredOn(d -> d.source().equals("campaign:autumn")).extracting(Decision::customerId)
                    .containsExactlyInAnyOrderElementsOf(audience);
            // a second cart add the same day meets the e-mail cap (1 a day) rather than a second mail
            Map<String, Long> cartRuns = decisions.stream().filter(d -> d.source().equals("journey:instant-cart"))
                    .collect(Collectors.groupingBy(Decision::customerId, Collectors.counting()));
            assertThat(decisions).filteredOn(d -> d.source().equals("journey:instant-cart") && d.outcome().equals("SENT"))
                    .extracting(Decision::customerId).doesNotHaveDuplicates();
            System.out.printf("CampaignsIT: %d decisions (%s), %d mails, %d customers with two or more cart runs%n", decisions.size(),
                    decisions.stream().collect(Collectors.groupingBy(d -> d.source() + " " + d.outcome(), Collectors.counting())), mails.size(),
                    cartRuns.values().stream().filter(n -> n > 1).count());
        }
    }

    @Test
    void aJourneysTimerSurvivesARestartOfThePlatform(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("heomdm.yaml"), """
                analytics: {enabled: false}
                decisions: {enabled: false}
                campaigns:
                  tickSeconds: 1
                  cartAbandonment: {enabled: false}
                  gate: {quietFrom: "", quietUntil: ""}
                  journeys:
                    slow-cart:
                      entry: {event: CartItemAdded}
                      exitOn: [OrderPlaced]
                      steps:
                        - {delayMinutes: 1}
                        - {message: {channel: email, template: cart-reminder}}
                """);
        var env = Map.of("HEOMDM_DATA_DIR", dir.resolve("data").toString(), "HEOMDM_HTTP_PORT", "0", "HEOMDM_KAFKA_EMBEDDED_PORT", "0",
                "HEOMDM_SQS_EMBEDDED_PORT", "0", "HEOMDM_SMTP_EMBEDDED_PORT", "0");
        // the platform's clock, moved past the delay after the restart instead of waiting a minute for it
        var shift = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
        InstantSource clock = () -> Instant.now().plus(shift.get());
        Instant added;
        try (var platform = Platform.start(ConfigLoader.load(Optional.of(config), env), clock);
                var publisher = new KafkaEventPublisher(new KafkaSettings(platform.kafkaBootstrapServers(), Map.of(), Duration.ofSeconds(30),
                        (short) 1, 1), "campaigns-it")) {
            for (String c : List.of("r-ann", "r-bob")) {
                publish(publisher, customerUpdated(new Market.Customer(c, c + "@example.com", null, "GB", "Europe/London", true, false, false)))
                        .get();
            }
            added = clock.instant();
            publish(publisher, cartAdd("r-ann")).get();
            publish(publisher, cartAdd("r-bob")).get();
            publish(publisher, new Event<>(envelope(EventCatalog.ORDER_PLACED.name(), EventCatalog.ORDER_PLACED.version(), "r-bob"),
                    io.heomdm.events.schema.OrderPlaced.newBuilder().setCustomerId("r-bob").setOrderId("o-r").setTotal(java.math.BigDecimal.ONE)
                            .setLines(List.of()).build())).get();
            // the journeys have taken every event in (their offsets committed) before the platform stops, with the reminder still a minute away
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", platform.kafkaBootstrapServers()))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> admin.listConsumerGroupOffsets("heomdm-campaigns").partitionsToOffsetAndMetadata()
                        .get().entrySet().stream().filter(e -> e.getKey().topic().equals(MarketTopics.ACTIVITY.name()) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum() == 5);
            }
            assertThat(decisions(platform)).isEmpty();
        }
        try (var platform = Platform.start(ConfigLoader.load(Optional.of(config), env), clock)) {
            var smtp = platform.embeddedSmtp().orElseThrow();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> decisions(platform).isEmpty());
            shift.set(Duration.ofSeconds(61));
            await().atMost(Duration.ofSeconds(60)).until(() -> !smtp.receivedMessages().isEmpty());
            assertThat(smtp.receivedMessages()).singleElement().satisfies(m -> {
                assertThat(m.getAllRecipients()[0].toString()).isEqualTo("r-ann@example.com");
                assertThat(m.getSubject()).isEqualTo(CART_SUBJECT);
            });
            Instant sentAt = platform.database().inTransaction(c -> {
                try (var ps = c.prepareStatement("select decided_at from campaign_deliveries where customer_id = 'r-ann'"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getTimestamp(1).toInstant();
                }
            });
            assertThat(Duration.between(added, sentAt)).as("the delay held across the restart").isGreaterThanOrEqualTo(Duration.ofMinutes(1));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> smtp.receivedMessages().size() == 1);
            assertThat(decisions(platform)).as("bob's order ended his run before the restart").extracting(Decision::customerId).containsExactly("r-ann");
        }
    }

    private static Event<io.heomdm.events.schema.CartItemAdded> cartAdd(String customer) {
        return new Event<>(envelope(EventCatalog.CART_ITEM_ADDED.name(), EventCatalog.CART_ITEM_ADDED.version(), customer),
                io.heomdm.events.schema.CartItemAdded.newBuilder().setCustomerId(customer).setProductId("p-r").setQuantity(1)
                        .setUnitPrice(java.math.BigDecimal.TEN).build());
    }

    record Decision(String customerId, String source, String outcome, String reason) {
    }

    private static List<Decision> decisions(Platform platform) {
        return platform.database().inTransaction(c -> {
            List<Decision> out = new ArrayList<>();
            try (var ps = c.prepareStatement("select customer_id, source, outcome, reason from campaign_deliveries"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Decision(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        });
    }

    /** SENT decisions whose message the worker has not yet recorded (it records it in the transaction that sends the mail). */
    private static long undelivered(Platform platform) {
        return platform.database().inTransaction(c -> {
            try (var ps = c.prepareStatement("select count(*) from campaign_deliveries d where d.outcome = 'SENT' and not exists "
                    + "(select 1 from customer_messages m where m.message_id = d.delivery_id)"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static CompletableFuture<?> publish(KafkaEventPublisher publisher, Event<? extends SpecificRecord> e) {
        return publisher.publish(MarketTopics.forType(e.envelope().type()).orElseThrow(), e);
    }

    private static Event<CustomerUpdated> customerUpdated(Market.Customer c) {
        return new Event<>(envelope(EventCatalog.CUSTOMER_UPDATED.name(), EventCatalog.CUSTOMER_UPDATED.version(), c.id()),
                CustomerUpdated.newBuilder().setCustomerId(c.id()).setEmail(c.email()).setPhone(c.phone()).setTimeZone(c.timeZone())
                        .setConsent(ChannelConsent.newBuilder().setEmail(c.emailConsent()).setSms(c.smsConsent()).setPush(c.pushConsent()).build())
                        .build());
    }

    private static Envelope envelope(String type, int version, String key) {
        return new Envelope(java.util.UUID.randomUUID(), type, version, key, Instant.now(), null, null, null);
    }
}
