package io.heomdm.app;

import io.heomdm.bench.Progress;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.StreamsApp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

/**
 * What remembering eventIds costs a Streams application: the same application (exactly-once, a
 * RocksDB store of events per customer, as the platform's are) run on the same simulated 2 KB
 * market events with and without the {@link Deduplicator} stage in front, alternating, each run a
 * new application from the start of the log; medians and their ratio.
 */
final class DeduplicationCost {
    private static final String COUNTS = "events-per-customer";

    record Result(long events, double[] without, double[] with) {
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

    static Result run(int events, int repetitions, Path dir, PrintStream out) throws Exception {
        var progress = new Progress(out, 1 + 2 * repetitions);
        try (var broker = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            var kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(30), (short) 1, 1);
            TopicAdmin.ensure(kafka, MarketTopics.all());
            progress.step("writing " + events + " simulated market events");
            MarketSimulator simulator = SimulateCommand.simulator(5, 20_000, 1_000, 2_048);
            long written = 0;
            Instant t0 = Instant.now().minus(Duration.ofHours(1));
            try (var publisher = new KafkaEventPublisher(kafka, "bench-dedup")) {
                var sent = new ArrayList<CompletableFuture<?>>();
                for (long seq = 0; written < events; seq++) {
                    var e = simulator.next(seq, t0.plusMillis(seq));
                    if (MarketTopics.ACTIVITY.carries(e.envelope().type())) {
                        sent.add(publisher.publish(MarketTopics.ACTIVITY, e));
                        written++;
                    }
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            }
            progress.done("written");
            double[] without = new double[repetitions];
            double[] with = new double[repetitions];
            try (var admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                for (int r = 0; r < repetitions; r++) {
                    progress.step("without the stage, run " + (r + 1));
                    without[r] = drain(admin, kafka, dir, "bench-dedup-off-" + r, false);
                    progress.done(String.format("%.0f events/s", without[r]));
                    progress.step("with the stage, run " + (r + 1));
                    with[r] = drain(admin, kafka, dir, "bench-dedup-on-" + r, true);
                    progress.done(String.format("%.0f events/s", with[r]));
                }
            }
            return new Result(written, without, with);
        }
    }

    private static double drain(Admin admin, KafkaSettings kafka, Path dir, String applicationId, boolean deduplicate) throws Exception {
        try (var app = StreamsApp.start(applicationId, topology(deduplicate), kafka, dir.resolve(applicationId), 1, Duration.ofMinutes(2))) {
            return DecisionsThroughput.drain(admin, applicationId, List.of(MarketTopics.ACTIVITY.name()));
        }
    }

    private static Topology topology(boolean deduplicate) {
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS), Serdes.String(), Serdes.Long()));
        var activity = builder.stream(MarketTopics.ACTIVITY.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("activity"));
        (deduplicate ? Deduplicator.once(builder, activity, "bench-events-seen", Deduplicator.Window.DEFAULT) : activity)
                .process(Counter::new, Named.as("count"), COUNTS);
        return builder.build();
    }

    /** The application's own work: a read and a write of the customer's count, as a profile update is. */
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
        return String.format("without the stage: median %,.0f events/s %s%nwith the stage:    median %,.0f events/s %s%n"
                + "ratio with/without: %.2f; the stage costs %.1f µs per event (%,d events of 2 KB, exactly-once, RocksDB)",
                r.withoutMedian(), Arrays.toString(Arrays.stream(r.without()).mapToLong(Math::round).toArray()), r.withMedian(),
                Arrays.toString(Arrays.stream(r.with()).mapToLong(Math::round).toArray()), r.withMedian() / r.withoutMedian(), r.microsPerEvent(),
                r.events());
    }
}
