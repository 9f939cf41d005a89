package io.heomdm.app;

import io.heomdm.app.catalog.PlatformDataflows;
import io.heomdm.analytics.customers.CustomerTopology;
import io.heomdm.analytics.demand.DemandTopology;
import io.heomdm.bench.Progress;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.decisions.DecisionsTopology;
import io.heomdm.campaigns.CampaignsTopology;
import io.heomdm.campaigns.JourneyQuarantine;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.StreamsApp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * What remembering eventIds costs each Streams application: the platform's own topologies (built
 * from the default configuration, as {@code heomdm up} builds them) and a minimal one (a RocksDB
 * count per customer, the least an application does), each run on the same simulated 2 KB market
 * events with the {@link Deduplicator} stage and with {@link Deduplicator.Window#OFF}, alternating,
 * every run a new application from the start of the log; medians and their ratio per application.
 */
final class DeduplicationCost {
    private static final String COUNTS = "events-per-customer";

    /**
     * An application measured: its topology for a window, and the repartition topics (by their
     * name in the topology) that must be drained too before its run is over.
     */
    record Subject(String name, Function<Deduplicator.Window, Topology> topology, List<String> repartitions) {
    }

    record Measured(String name, double[] without, double[] with) {
        double withoutMedian() {
            return GatewayThroughput.median(without);
        }

        double withMedian() {
            return GatewayThroughput.median(with);
        }

        /** Microseconds each event costs more with the stage. */
        double microsPerEvent() {
            return 1e6 / withMedian() - 1e6 / withoutMedian();
        }
    }

    record Result(long events, List<Measured> applications) {
    }

    /** Every subject by its name: the minimal application first, then the platform's, with their default settings. */
    static Map<String, Subject> subjects() {
        HeomdmConfig config = ConfigLoader.load(Optional.empty(), Map.of());
        var a = config.analytics();
        var d = config.decisions();
        Map<String, Subject> all = new LinkedHashMap<>();
        for (Subject s : List.of(
                new Subject("minimal", DeduplicationCost::minimal, List.of()),
                new Subject("customers", w -> CustomerTopology.build(a.settings(), a.catalog(), w), List.of()),
                new Subject("demand", w -> DemandTopology.build(a.demand().settings(), w), List.of("by-product")),
                new Subject("decisions", w -> DecisionsTopology.build(d.pricing().settings(), d.recommendations().settings(), d.pricing().priceTests(), w),
                        List.of("by-item")),
                new Subject("campaigns", w -> CampaignsTopology.build(config.campaigns().settings(), new JourneyQuarantine(), w,
                        java.time.InstantSource.system()), List.of()))) {
            all.put(s.name(), s);
        }
        return all;
    }

    static Result run(int events, int repetitions, List<Subject> subjects, Path dir, PrintStream out) throws Exception {
        var progress = new Progress(out, 1 + 2 * repetitions * subjects.size());
        try (var broker = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            var kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(30), (short) 1, 1);
            // what the platform's applications read and write, each topic once
            TopicAdmin.ensure(kafka, List.copyOf(PlatformDataflows.topics().values()));
            progress.step("writing the catalogue and " + events + " simulated market events");
            long written = write(kafka, events);
            progress.done("written");
            List<Measured> measured = new ArrayList<>();
            try (var admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                for (Subject subject : subjects) {
                    double[] without = new double[repetitions];
                    double[] with = new double[repetitions];
                    for (int r = 0; r < repetitions; r++) {
                        progress.step(subject.name() + " without the stage, run " + (r + 1));
                        without[r] = drain(admin, kafka, dir, subject, "off-" + r, Deduplicator.Window.OFF);
                        progress.done(String.format("%.0f events/s", without[r]));
                        progress.step(subject.name() + " with the stage, run " + (r + 1));
                        with[r] = drain(admin, kafka, dir, subject, "on-" + r, Deduplicator.Window.DEFAULT);
                        progress.done(String.format("%.0f events/s", with[r]));
                    }
                    measured.add(new Measured(subject.name(), without, with));
                }
            }
            return new Result(written, measured);
        }
    }

    private static long write(KafkaSettings kafka, int events) {
        MarketSimulator simulator = SimulateCommand.simulator(5, 20_000, 1_000, 2_048);
        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        long written = 0;
        try (var publisher = new KafkaEventPublisher(kafka, "bench-dedup")) {
            var sent = new ArrayList<CompletableFuture<?>>();
            simulator.catalogue(t0).forEach(e -> sent.add(publisher.publish(MarketTopics.CATALOG, e)));
            for (long seq = 0; written < events; seq++) {
                var e = simulator.next(seq, t0.plusMillis(seq));
                if (MarketTopics.ACTIVITY.carries(e.envelope().type())) {
                    sent.add(publisher.publish(MarketTopics.ACTIVITY, e));
                    written++;
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        }
        return written;
    }

    static double drain(Admin admin, KafkaSettings kafka, Path dir, Subject subject, String run, Deduplicator.Window window)
            throws Exception {
        String applicationId = "bench-dedup-" + subject.name() + "-" + run;
        List<String> topics = new ArrayList<>(List.of(MarketTopics.ACTIVITY.name()));
        subject.repartitions().forEach(r -> topics.add(applicationId + "-" + r + "-repartition"));
        try (var app = StreamsApp.start(applicationId, () -> subject.topology().apply(window), kafka, dir.resolve(applicationId), 1, Duration.ofMinutes(2))) {
            return DecisionsThroughput.drain(admin, applicationId, topics);
        }
    }

    /** The least an application does: a read and a write of the customer's count, as a profile update is. */
    static Topology minimal(Deduplicator.Window window) {
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS), Serdes.String(), Serdes.Long()));
        var activity = builder.stream(MarketTopics.ACTIVITY.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("activity"));
        Deduplicator.once(builder, activity, "bench-events-seen", window).process(Counter::new, Named.as("count"), COUNTS);
        return builder.build();
    }

    private static final class Counter implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            counts = context.getStateStore(COUNTS);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Long n = counts.get(record.key());
            counts.put(record.key(), n == null ? 1 : n + 1);
        }
    }

    static String describe(Result r) {
        var text = new StringBuilder(String.format("%,d events of 2 KB, exactly-once, RocksDB; medians of alternating runs%n", r.events()));
        text.append(String.format("%-10s %14s %14s %6s %9s%n", "", "without ev/s", "with ev/s", "ratio", "µs/event"));
        for (Measured m : r.applications()) {
            text.append(String.format("%-10s %,14.0f %,14.0f %6.2f %9.1f   without %s, with %s%n", m.name(), m.withoutMedian(), m.withMedian(),
                    m.withMedian() / m.withoutMedian(), m.microsPerEvent(), runs(m.without()), runs(m.with())));
        }
        return text.toString();
    }

    private static String runs(double[] rates) {
        return Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray());
    }

    /** Both medians per application side by side, as a PNG. */
    static void chart(Result r, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        var chart = new CategoryChartBuilder().width(900).height(520).title("What deduplication by eventId costs each application")
                .xAxisTitle("application").yAxisTitle("events/s (median)").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> names = r.applications().stream().map(Measured::name).toList();
        chart.addSeries("without the stage", names, r.applications().stream().map(m -> (Number) m.withoutMedian()).toList());
        chart.addSeries("with the stage", names, r.applications().stream().map(m -> (Number) m.withMedian()).toList());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
