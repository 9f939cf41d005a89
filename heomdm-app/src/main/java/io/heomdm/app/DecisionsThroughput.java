package io.heomdm.app;

import io.heomdm.bench.Progress;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.decisions.Decisions;
import io.heomdm.campaigns.BuiltInJourneys;
import io.heomdm.campaigns.CampaignSettings;
import io.heomdm.campaigns.Campaigns;
import io.heomdm.campaigns.GateSettings;
import io.heomdm.campaigns.PriceDropSettings;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.DemandObserved;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code heomdm bench decisions}: how many inputs per second each decision service takes in on this
 * machine. Closed demand windows are written first and the decisions application starts on them;
 * then simulated market activity is written (a few seconds; processing it takes far longer), which
 * the campaign journeys then read again with the decisions application stopped. Each
 * rate is read off the application's committed offsets, from the first commit seen until nothing is
 * left, repartition topic included, so start-up is not in the figure.
 */
final class DecisionsThroughput {
    /**
     * Two days ago at midnight: the inputs' event times must fall within the topics' retention (7 days
     * for demand), or the broker's first retention check, 30 s after it starts, deletes what is not
     * yet read (seen: a fixed date in January left three partitions unread and the rate undefined).
     */
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(2));
    /** No committed progress for this long is a stall, reported rather than waited out. */
    private static final Duration STALL = Duration.ofSeconds(60);

    /**
     * @param eventsPerSecond  what recommendations take in
     * @param journeyEventsPerSecond what the campaign journeys take in (every built-in journey on, the gate's defaults)
     */
    record Result(long windows, double cyclesPerSecond, long events, double eventsPerSecond, double journeyEventsPerSecond) {
    }

    static Result run(int events, int windows, Path dir, PrintStream out) throws Exception {
        var progress = new Progress(out, 5);
        try (var kafkaServer = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            var kafka = new KafkaSettings(kafkaServer.bootstrapServers(), Map.of(), Duration.ofSeconds(30), (short) 1, 1);
            TopicAdmin.ensure(kafka, MarketTopics.all());
            TopicAdmin.ensure(kafka, List.of(SharedTopics.DEMAND));
            MarketSimulator simulator = SimulateCommand.simulator(7, 20_000, 1_000, 2_048);
            progress.step("writing the catalogue and " + windows + " demand windows");
            try (var publisher = new KafkaEventPublisher(kafka, "bench-decisions")) {
                var sent = new ArrayList<CompletableFuture<?>>();
                simulator.catalogue(T0).forEach(e -> sent.add(publisher.publish(MarketTopics.CATALOG, e)));
                var random = new SplittableRandom(11);
                int products = simulator.market().products().size();
                for (int i = 0; i < windows; i++) {
                    String id = simulator.market().products().get(i % products).id();
                    Instant start = T0.plus(Duration.ofHours(i / products));
                    long units = random.nextInt(40);
                    var window = DemandObserved.newBuilder().setProductId(id).setWindowStart(start).setWindowEnd(start.plus(Duration.ofHours(1)))
                            .setViews(units * 30).setCartAdds(units * 2).setOrders(units).setUnits(units).setRevenue(BigDecimal.ZERO)
                            .setForecastUnits(units).setSeasonal(false).build();
                    sent.add(publisher.publish(SharedTopics.DEMAND, event(id, window, start.plus(Duration.ofHours(1)))));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            }
            progress.done("written");
            PricingSettings auto = new PricingSettings(5, PricingSettings.Objective.REVENUE, 0.1, Duration.ofHours(1), new BigDecimal("0.99"),
                    0.1, 0.1, Duration.ofDays(7), 0.05, 0.995, 0.98, 3, 1, PricingSettings.Mode.AUTO, Map.of(), Map.of(), 10, 42);
            // one start for both: a Streams application restarted at once on the same broker can find its
            // transactional producer refused (OUT_OF_ORDER_SEQUENCE_NUMBER after the epoch bump) — see the issue note
            try (var admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                    var decisions = Decisions.start(kafka, dir.resolve("decisions"), 1, auto, RecommendationSettings.defaults(), List.of(),
                            io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT, Duration.ofMinutes(2),
                            InstantSource.system(), new SplittableRandom(1))) {
                progress.step("pricing " + windows + " windows");
                double cycles = drain(admin, Decisions.APPLICATION_ID, List.of(SharedTopics.DEMAND.name()));
                progress.done(String.format("pricing: %.0f cycles/s", cycles));


                progress.step("writing " + events + " market events");
                long activity = 0;
                try (var publisher = new KafkaEventPublisher(kafka, "bench-decisions")) {
                    var sent = new ArrayList<CompletableFuture<?>>();
                    for (long seq = 0; activity < events; seq++) {
                        var e = simulator.next(seq, T0.plusMillis(seq * 10));
                        if (MarketTopics.ACTIVITY.carries(e.envelope().type())) {
                            sent.add(publisher.publish(MarketTopics.ACTIVITY, e));
                            activity++;
                        }
                    }
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                }
                progress.done("written (the service has started on them meanwhile)");
                progress.step("recommending from " + events + " market events");
                double perSecond = drain(admin, Decisions.APPLICATION_ID,
                        List.of(MarketTopics.ACTIVITY.name(), Decisions.APPLICATION_ID + "-by-item-repartition"));
                progress.done(String.format("recommendations: %.0f events/s", perSecond));
                decisions.close();

                progress.step("journeys on the same " + activity + " events");
                var journeys = new CampaignSettings(List.of(
                        BuiltInJourneys.cartAbandonment(Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(7)),
                        BuiltInJourneys.priceDrop("price-drop")), GateSettings.defaults(), Duration.ofSeconds(5),
                        new PriceDropSettings(10, Duration.ofDays(14), "price-drop"));
                double journeyRate;
                try (var campaigns = Campaigns.start(kafka, dir.resolve("campaigns"), 1, journeys, io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT,
                        Duration.ofMinutes(2),
                        InstantSource.system(), new SplittableRandom(2))) {
                    journeyRate = drain(admin, Campaigns.APPLICATION_ID, List.of(MarketTopics.ACTIVITY.name()));
                }
                progress.done(String.format("journeys: %.0f events/s", journeyRate));
                return new Result(windows, cycles, activity, perSecond, journeyRate);
            }
        }
    }

    private static Event<?> event(String key, org.apache.avro.specific.SpecificRecord payload, Instant at) {
        var type = EventCatalog.byName(payload.getSchema().getName()).orElseThrow();
        return new Event<>(new Envelope(UUID.randomUUID(), type.name(), type.version(), key, at, null, null, null), payload);
    }

    /**
     * Waits until the application's group has committed everything on {@code topics}; records per
     * second of the first (input) topic from the first commit seen, so start-up is not in the figure.
     */
    static double drain(Admin admin, String group, List<String> topics) throws Exception {
        long firstAt = 0;
        long firstProcessed = -1;
        long lastProcessed = -1;
        long lastProgressAt = System.nanoTime();
        while (true) {
            Map<TopicPartition, Long> lag = lag(admin, group, topics);
            long processed = committed(admin, group, topics.get(0));
            long now = System.nanoTime();
            if (firstProcessed < 0 && processed > 0) {
                firstProcessed = processed;
                firstAt = now;
            }
            // a transaction's last marker can stay one offset ahead of the committed position
            if (firstProcessed >= 0 && lag.values().stream().allMatch(l -> l <= 1)) {
                double seconds = (now - firstAt) / 1e9;
                return seconds <= 0 ? Double.NaN : (processed - firstProcessed) / seconds;
            }
            if (processed != lastProcessed) {
                lastProcessed = processed;
                lastProgressAt = now;
            } else if (now - lastProgressAt > STALL.toNanos()) {
                Map<String, Long> left = new java.util.TreeMap<>();
                lag.forEach((tp, l) -> left.merge(tp.topic(), l, Long::sum));
                throw new IllegalStateException(group + " took in nothing for " + STALL.toSeconds() + " s; records left: " + left);
            }
            Thread.sleep(200);
        }
    }

    private static Map<TopicPartition, Long> lag(Admin admin, String group, List<String> topics) throws Exception {
        var ends = admin.listOffsets(partitions(admin, topics).stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()
                - (committed.get(e.getKey()) == null ? 0 : committed.get(e.getKey()).offset())));
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static List<TopicPartition> partitions(Admin admin, List<String> topics) throws Exception {
        List<TopicPartition> all = new ArrayList<>();
        for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
            d.partitions().forEach(p -> all.add(new TopicPartition(d.name(), p.partition())));
        }
        return all;
    }
}
