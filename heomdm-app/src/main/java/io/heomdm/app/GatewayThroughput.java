package io.heomdm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.bench.Progress;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.Event;
import io.heomdm.events.EventIds;
import io.heomdm.events.JsonPayloads;
import io.heomdm.gateway.AnalyticsQueries;
import io.heomdm.gateway.Backends;
import io.heomdm.gateway.DecisionQueries;
import io.heomdm.gateway.EventIngestion;
import io.heomdm.gateway.Gateway;
import io.heomdm.gateway.GatewaySettings;
import io.heomdm.gateway.JourneyQueries;
import io.heomdm.storage.ApiKeys;
import io.heomdm.storage.AuditLog;
import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.storage.CustomerMessages;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;

/**
 * The gateway against a plain producer on the same embedded broker, in the same run: the same
 * simulated 2 KB market events, posted as NDJSON batches through the API (a real key checked
 * against the database, rate limiting on) or published straight with the platform's publisher.
 * Runs alternate, so both see the same machine; medians and their ratio are reported.
 */
final class GatewayThroughput {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param directCpu  CPU time of the whole process (broker included) per event published straight, µs, per run
     * @param gatewayCpu the same for an event posted through the API (client, server, producer and broker)
     * @param directBusy cores busy while the direct producer ran, per run (the machine has {@code cores})
     */
    record Result(double[] direct, double[] gateway, double[] p99Millis, double[] directCpu, double[] gatewayCpu, double[] directBusy, int cores,
            JsonFloor.Floor jsonFloor) {
        double directMedian() {
            return median(direct);
        }

        double gatewayMedian() {
            return median(gateway);
        }

        double p99Median() {
            return median(p99Millis);
        }

        double ratio() {
            return gatewayMedian() / directMedian();
        }

        /**
         * The highest ratio the CPU allows: with every core busy, the gateway's CPU per event caps its
         * rate at {@code cores / gatewayCpu}; against the direct producer's measured rate.
         */
        double ceilingRatio() {
            return cores * 1e6 / median(gatewayCpu) / directMedian();
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** What a measured run took: events per second, and the process's CPU time in µs per event and in busy cores. */
    private record Spent(double perSecond, double cpuMicrosPerEvent, double busyCores) {
        static Spent of(int events, long wallNanos, long cpuNanos) {
            return new Spent(events / (wallNanos / 1e9), cpuNanos / 1e3 / events, (double) cpuNanos / wallNanos);
        }
    }

    static Result run(int events, int batch, int inFlight, int warmUps, int repetitions, Path dir, PrintStream out) throws Exception {
        var progress = new Progress(out, 3 + 2 * repetitions);
        progress.step("starting a broker, the database and the gateway; simulating " + events + " events");
        try (var kafkaServer = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            var kafka = new KafkaSettings(kafkaServer.bootstrapServers(), Map.of(), Duration.ofSeconds(30), (short) 1, 1);
            TopicAdmin.ensure(kafka, MarketTopics.all());
            MarketSimulator simulator = SimulateCommand.simulator(13, 20_000, 5_000, 2_048);
            Instant now = Instant.now();
            List<Event<? extends SpecificRecord>> market = new ArrayList<>(events);
            for (long seq = 0; market.size() < events; seq++) {
                market.add(simulator.next(seq, now));
            }
            List<byte[]> bodies = ndjson(market, batch);
            var h2 = EmbeddedDatabase.inDirectory(dir.resolve("db"));
            try (var database = Database.open(new DatabaseSettings(h2.jdbcUrl(), h2.user(), h2.password(), 10));
                    var publisher = new KafkaEventPublisher(kafka, "bench-gateway");
                    var gatewayPublisher = new KafkaEventPublisher(kafka, "bench-gateway-api")) {
                var clock = InstantSource.system();
                var keys = new ApiKeys(database, clock, new SecureRandom());
                String key = keys.create("bench", java.util.Set.of("events:write"), Edge.postableTypes(), Optional.empty()).key();
                var backends = new Backends(new EventIngestion(new EventIds(clock, new SplittableRandom(3)), clock), gatewayPublisher,
                        Edge.customerQueries(new CustomerMessages(database), new CampaignDeliveries(database), new CampaignBudgets(database), clock),
                        AnalyticsQueries.DISABLED, DecisionQueries.DISABLED, JourneyQueries.DISABLED, List.of(), Edge.keyRing(keys, clock), Edge.keyAdmin(keys, clock),
                        Edge.auditTrail(new AuditLog(database, clock)));
                try (var gateway = new Gateway(GatewaySettings.local(0, 4 * 1024 * 1024, batch, Duration.ofSeconds(30), 16), backends,
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(4))) {
                    var server = new InetSocketAddress("127.0.0.1", gateway.port());
                    progress.done(String.format("%d events in %d requests of %d, %.1f MB of NDJSON", events, bodies.size(), batch,
                            bodies.stream().mapToLong(b -> b.length).sum() / 1e6));
                    progress.step("warm-up: " + warmUps + " runs of each");
                    for (int w = 0; w < warmUps; w++) {
                        direct(publisher, market);
                        throughGateway(server, key, bodies, inFlight);
                    }
                    progress.done("warm");
                    double[] direct = new double[repetitions];
                    double[] viaGateway = new double[repetitions];
                    double[] p99 = new double[repetitions];
                    double[] directCpu = new double[repetitions];
                    double[] gatewayCpu = new double[repetitions];
                    double[] directBusy = new double[repetitions];
                    for (int r = 0; r < repetitions; r++) {
                        progress.step("direct producer, run " + (r + 1));
                        long wall = System.nanoTime();
                        long cpu = OS.getProcessCpuTime();
                        direct(publisher, market);
                        var d = Spent.of(events, System.nanoTime() - wall, OS.getProcessCpuTime() - cpu);
                        direct[r] = d.perSecond();
                        directCpu[r] = d.cpuMicrosPerEvent();
                        directBusy[r] = d.busyCores();
                        progress.done(String.format("%.0f events/s, %.1f µs CPU per event, %.2f cores busy", d.perSecond(), d.cpuMicrosPerEvent(),
                                d.busyCores()));
                        progress.step("gateway, run " + (r + 1));
                        wall = System.nanoTime();
                        cpu = OS.getProcessCpuTime();
                        p99[r] = throughGateway(server, key, bodies, inFlight);
                        var g = Spent.of(events, System.nanoTime() - wall, OS.getProcessCpuTime() - cpu);
                        viaGateway[r] = g.perSecond();
                        gatewayCpu[r] = g.cpuMicrosPerEvent();
                        progress.done(String.format("%.0f events/s, p99 of the 202 %.1f ms, %.1f µs CPU per event, %.2f cores busy", g.perSecond(),
                                p99[r], g.cpuMicrosPerEvent(), g.busyCores()));
                    }
                    progress.step("the JSON floor: Jackson's streaming parser alone over the same bodies");
                    var floor = JsonFloor.measure(bodies, events, repetitions);
                    progress.done(String.format("%.1f µs per event to tokenize, %.1f µs to read every value", floor.tokenizeMicros(), floor.readMicros()));
                    return new Result(direct, viaGateway, p99, directCpu, gatewayCpu, directBusy, Runtime.getRuntime().availableProcessors(), floor);
                }
            }
        }
    }

    /** Every event published and acknowledged. */
    private static void direct(KafkaEventPublisher publisher, List<Event<? extends SpecificRecord>> market) {
        var acks = new ArrayList<CompletableFuture<?>>(market.size());
        for (var e : market) {
            acks.add(publisher.publish(MarketTopics.forType(e.envelope().type()).orElseThrow(), e));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Every batch posted by {@code inFlight} clients, each on its own keep-alive connection, and
     * answered 202; the p99 of a request in ms.
     */
    private static double throughGateway(InetSocketAddress server, String key, List<byte[]> bodies, int inFlight)
            throws Exception {
        var latency = new Histogram(3);
        var next = new AtomicInteger();
        var clients = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < inFlight; c++) {
                done.add(clients.submit(() -> {
                    try (var connection = new PostConnection(server, "/v1/events", "Content-Type: application/x-ndjson", "Authorization: Bearer " + key)) {
                        for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                            long sent = System.nanoTime();
                            var answer = connection.post(bodies.get(i));
                            if (answer.status() != 202) {
                                throw new IllegalStateException("the gateway answered " + answer.status() + " " + answer.body());
                            }
                            synchronized (latency) {
                                latency.recordValue((System.nanoTime() - sent) / 1000);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var d : done) {
                d.get();
            }
            return latency.getValueAtPercentile(99) / 1000.0;
        } finally {
            clients.shutdownNow();
        }
    }

    private static List<byte[]> ndjson(List<Event<? extends SpecificRecord>> market, int batch) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        var body = new StringBuilder();
        int n = 0;
        for (var e : market) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("eventId", e.envelope().eventId().toString());
            item.put("type", e.envelope().type());
            item.put("data", JsonPayloads.toJson(e.payload()));
            body.append(JSON.writeValueAsString(item)).append('\n');
            if (++n == batch) {
                bodies.add(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                body.setLength(0);
                n = 0;
            }
        }
        if (n > 0) {
            bodies.add(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bodies;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
