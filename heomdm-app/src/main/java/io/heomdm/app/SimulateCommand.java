package io.heomdm.app;

import io.heomdm.bench.market.Market;
import io.heomdm.bench.market.MarketFeed;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.events.EventIds;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code heomdm simulate}: a seeded market fed to a running platform. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Feed a simulated market (customers, catalogue, sessions with a realistic funnel, price changes, campaigns) to a "
                + "running platform at a fixed rate: to the gateway as NDJSON batches, or straight to Kafka.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "200", description = "events per second (default ${DEFAULT-VALUE})")
    double rate;
    @Option(names = "--duration", description = "seconds to run (default: until stopped)")
    Long duration;
    @Option(names = "--target", defaultValue = "http://127.0.0.1:8080",
            description = "the gateway's base URL, or \"kafka\" for the configured Kafka cluster's topics (default ${DEFAULT-VALUE})")
    String target;
    @Option(names = "--batch", defaultValue = "100", description = "events per NDJSON request to the gateway (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--config", description = "YAML configuration file (for --target kafka)")
    Path config;
    @Option(names = "--seed", defaultValue = "42", description = "the same seed gives the same market (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--customers", defaultValue = "20000", description = "customers in the market (default ${DEFAULT-VALUE})")
    int customers;
    @Option(names = "--products", defaultValue = "5000", description = "products in the catalogue (default ${DEFAULT-VALUE})")
    int products;
    @Option(names = "--event-bytes", defaultValue = "2048", description = "average event size, Avro-encoded (default ${DEFAULT-VALUE})")
    int eventBytes;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || batch < 1) {
            throw new IllegalArgumentException("--rate must be > 0 and --batch >= 1");
        }
        var simulator = simulator(seed, customers, products, eventBytes);
        Duration d = duration == null ? null : Duration.ofSeconds(duration);
        if (target.equals("kafka")) {
            HeomdmConfig cfg = ConfigLoader.load(Optional.ofNullable(config), System.getenv());
            var kafka = new KafkaSettings(Settings.kafkaBootstrap(cfg), cfg.kafka().properties(), Duration.ofMillis(cfg.kafka().ackTimeoutMs()),
                    cfg.kafka().replicationFactor(), cfg.kafka().minInsyncReplicas());
            try (var publisher = new KafkaEventPublisher(kafka, "heomdm-simulate")) {
                feed(simulator, new MarketFeed.Kafka(publisher), d);
            }
        } else {
            feed(simulator, new MarketFeed.Gateway(URI.create(target), batch, Edge.commandLineKey(Optional.ofNullable(config),
                    "a key with events:write for every event type (heomdm keys create --name simulator --scopes events:write --event-types all)")), d);
        }
        return 0;
    }

    private void feed(MarketSimulator simulator, MarketFeed.Target to, Duration d) throws InterruptedException {
        System.out.printf("simulate: %.0f events/s to %s%s%n", rate, target, d == null ? " until stopped" : " for " + d.toSeconds() + " s");
        try (var feed = new MarketFeed(simulator, to, rate, System.out).start(d)) {
            feed.await();
        }
    }

    /** The market of {@code up --simulate}, fed to the platform just started at {@code rate} events/s with a key of its own. */
    static AutoCloseable feedPlatform(Platform platform, HeomdmConfig cfg, double rate) {
        return new MarketFeed(simulator(42, 20_000, 5_000, 2048), new MarketFeed.Gateway(URI.create("http://" + cfg.http().host() + ":"
                + platform.gatewayPort()), (int) Math.max(1, Math.min(100, rate / 10)), platform.issueKey("simulator",
                java.util.Set.of("events:write"), Edge.postableTypes())), rate, System.out).start(null);
    }

    static MarketSimulator simulator(long seed, int customers, int products, int eventBytes) {
        return new MarketSimulator(Market.generate(customers, products, new SplittableRandom(seed)),
                MarketSimulator.Profile.defaults().withAverageEventBytes(eventBytes), new SplittableRandom(seed + 1),
                new EventIds(InstantSource.system(), new SplittableRandom()), null);
    }
}
