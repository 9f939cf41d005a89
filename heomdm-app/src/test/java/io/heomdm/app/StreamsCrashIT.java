package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.analytics.Analytics;
import io.heomdm.decisions.Decisions;
import io.heomdm.decisions.recommendations.ItemStats;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductCatalogued;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analytics and decisions applications in a child JVM, SIGKILLed mid-stream again and again
 * ({@code -Dheomdm.streams.kills}, 10 by default) while orders keep arriving; then started once
 * more here. Every order must have exactly one effect: each customer's order count and revenue, and
 * each pair of products' bought-together count, are what was sent, no more, no less.
 */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
class StreamsCrashIT {
    static final int KILLS = Integer.getInteger("heomdm.streams.kills", 10);
    static final int CUSTOMERS = 40;
    static final int PRODUCTS = 6;

    @Test
    void everyOrderHasExactlyOneEffectAcrossKills(@TempDir Path dir) throws Exception {
        try (var broker = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            var kafka = KafkaSettings.singleBroker(broker.bootstrapServers());
            TopicAdmin.ensure(kafka, MarketTopics.all());
            Map<String, AtomicLong> orders = new ConcurrentHashMap<>();
            Map<String, BigDecimal> revenue = new ConcurrentHashMap<>();
            Map<String, AtomicLong> pairs = new ConcurrentHashMap<>();
            var feeding = new AtomicBoolean(true);
            try (var publisher = new KafkaEventPublisher(kafka, "crash-feed")) {
                for (int p = 0; p < PRODUCTS; p++) {
                    publisher.publish(MarketTopics.CATALOG, event("p-" + p, ProductCatalogued.newBuilder().setProductId("p-" + p).setName("p-" + p)
                            .setCategory("kitchen").setPrice(BigDecimal.TEN.setScale(2)).setFloor(BigDecimal.ONE.setScale(2))
                            .setCeiling(new BigDecimal("20.00")).setCost(BigDecimal.ONE.setScale(2)).setStock(1000).setHidden(false).build())).get();
                }
                var feeder = new Thread(() -> feed(publisher, feeding, orders, revenue, pairs), "crash-feed");
                feeder.start();
                var random = new SplittableRandom(7);
                for (int kill = 0; kill < KILLS; kill++) {
                    Process child = startChild(broker.bootstrapServers(), dir.resolve("state"));
                    Thread.sleep(500 + random.nextInt(2_500)); // mid-stream: orders arrive all along
                    child.destroyForcibly(); // SIGKILL: no close, no commit
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                feeding.set(false);
                feeder.join();
            }
            var successor = StreamsChild.kafka(broker.bootstrapServers());
            try (var analytics = Analytics.start(successor, dir.resolve("state").resolve("analytics"), 1, defaults().analytics().settings(),
                    defaults().analytics().catalog(), defaults().analytics().demand().settings(), io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT, Duration.ofSeconds(90), InstantSource.system(),
                    new SplittableRandom(1));
                    var decisions = Decisions.start(successor, dir.resolve("state").resolve("decisions"), 1, defaults().decisions().pricing().settings(),
                            defaults().decisions().recommendations().settings(), defaults().decisions().pricing().priceTests(), io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT,
                            Duration.ofSeconds(90),
                            InstantSource.system(), new SplittableRandom(2))) {
                long sent = orders.values().stream().mapToLong(AtomicLong::get).sum();
                assertThat(sent).as("orders sent while the applications were killed").isGreaterThan(1_000);
                System.out.printf("%,d orders to %d customers across %d kills%n", sent, orders.size(), KILLS);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> orders.entrySet().stream()
                        .allMatch(e -> analytics.customer(e.getKey()).map(v -> v.orderCount()).orElse(0L) >= e.getValue().get()));
                // and stays so: a late second count would show within these seconds
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    for (var e : orders.entrySet()) {
                        var view = analytics.customer(e.getKey()).orElseThrow();
                        assertThat(view.orderCount()).as(e.getKey() + "'s orders").isEqualTo(e.getValue().get());
                        assertThat(view.revenue()).as(e.getKey() + "'s revenue").isEqualByComparingTo(revenue.get(e.getKey()));
                    }
                });
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> together(decisions).equals(expected(pairs)));
            }
        }
    }

    private static HeomdmConfig defaults() {
        return ConfigLoader.load(Optional.empty(), Map.of());
    }

    private static Process startChild(String bootstrap, Path state) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), StreamsChild.class.getName(), bootstrap,
                state.toString()).redirectErrorStream(true).start();
        var lines = new BufferedReader(new InputStreamReader(child.getInputStream()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.equals("RUNNING")) {
                // keep draining its output so that it never blocks on a full pipe
                var drain = new Thread(() -> lines.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return child;
            }
            assertThat(System.nanoTime()).as("the child reached RUNNING").isLessThan(deadline);
        }
        throw new AssertionError("the child ended before RUNNING, exit " + child.waitFor());
    }

    /** Orders of two distinct products each, about 400 a second, until told to stop. */
    private static void feed(KafkaEventPublisher publisher, AtomicBoolean feeding, Map<String, AtomicLong> orders, Map<String, BigDecimal> revenue,
            Map<String, AtomicLong> pairs) {
        var random = new SplittableRandom(3);
        try {
            while (feeding.get()) {
                List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String customer = "crash-" + random.nextInt(CUSTOMERS);
                    int a = random.nextInt(PRODUCTS);
                    int b = (a + 1 + random.nextInt(PRODUCTS - 1)) % PRODUCTS;
                    BigDecimal total = BigDecimal.valueOf(100 + random.nextInt(10_000), 2);
                    var order = OrderPlaced.newBuilder().setCustomerId(customer).setOrderId(UUID.randomUUID().toString())
                            .setLines(List.of(new OrderLine("p-" + a, 1, BigDecimal.TEN.setScale(2)), new OrderLine("p-" + b, 1, BigDecimal.TEN.setScale(2))))
                            .setTotal(total).build();
                    acks.add(publisher.publish(MarketTopics.ACTIVITY, event(customer, order)));
                    orders.computeIfAbsent(customer, c -> new AtomicLong()).incrementAndGet();
                    revenue.merge(customer, total, BigDecimal::add);
                    pairs.computeIfAbsent("p-" + a + ">p-" + b, k -> new AtomicLong()).incrementAndGet();
                    pairs.computeIfAbsent("p-" + b + ">p-" + a, k -> new AtomicLong()).incrementAndGet();
                }
                java.util.concurrent.CompletableFuture.allOf(acks.toArray(java.util.concurrent.CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> Event<T> event(String key, T payload) {
        var type = io.heomdm.events.EventCatalog.of(payload.getClass());
        return new Event<>(new Envelope(UUID.randomUUID(), type.name(), type.version(), key, Instant.now(), null, null, null), payload);
    }

    private static Map<String, Long> together(Decisions decisions) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (int p = 0; p < PRODUCTS; p++) {
            String product = "p-" + p;
            decisions.related(product, ItemStats.BOUGHT_TOGETHER, PRODUCTS).orElse(List.of())
                    .forEach(r -> counts.put(product + ">" + r.productId(), r.together()));
        }
        return counts;
    }

    private static Map<String, Long> expected(Map<String, AtomicLong> pairs) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        pairs.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }
}
