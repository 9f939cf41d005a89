package io.heomdm.app;

import io.heomdm.analytics.Analytics;
import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.app.Services.Stage;
import io.heomdm.decisions.Decisions;
import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.campaigns.Campaigns;
import io.heomdm.campaigns.CampaignsTopics;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.gateway.AnalyticsQueries;
import io.heomdm.gateway.DecisionQueries;
import io.heomdm.gateway.HealthCheck;
import io.heomdm.gateway.JourneyQueries;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three Kafka Streams services (analytics, decisions, campaigns), each started if configured,
 * side by side, and what the gateway asks of them; a service switched off answers its queries 503.
 */
record StreamsServices(AnalyticsQueries analytics, DecisionQueries decisions, JourneyQueries journeys, Map<String, StreamsApp> applications) {
    private static final Logger log = LoggerFactory.getLogger("heomdm");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Begins their starts, each on its own thread, so that the platform's other steps run while they wait for their
     * first rebalances; {@link Starting#ready} waits for them. Needs only the market topics.
     */
    static Starting begin(HeomdmConfig config, KafkaSettings kafka, Path data, InstantSource clock, RandomGenerator random) {
        var deduplication = new Deduplicator.Window(Duration.ofDays(config.kafka().deduplicationDays()));
        var a = config.analytics();
        var d = config.decisions();
        var c = config.campaigns();
        var together = new SideBySide();
        return new Starting(config, together,
                together.startIf(a.enabled(), "analytics", () -> Analytics.start(kafka, data.resolve("analytics"), a.threads(),
                        a.settings(), a.catalog(), a.demand().settings(), deduplication, START_TIMEOUT, clock, random)),
                together.startIf(d.enabled(), "decisions", () -> Decisions.start(kafka, data.resolve("decisions"), d.threads(),
                        d.pricing().settings(), d.recommendations().settings(), d.pricing().priceTests(), deduplication, START_TIMEOUT, clock, random)),
                together.startIf(c.enabled(), "campaigns", () -> Campaigns.start(kafka, data.resolve("campaigns"), c.threads(),
                        c.settings(), deduplication, START_TIMEOUT, clock, random)));
    }

    /** The services on their way up: until {@link #ready} hands them to the platform's services, closing it closes those that started. */
    static final class Starting implements AutoCloseable {
        private final HeomdmConfig config;
        private final SideBySide together;
        private final SideBySide.Slot<Analytics> analytics;
        private final SideBySide.Slot<Decisions> decisions;
        private final SideBySide.Slot<Campaigns> campaigns;
        private boolean handedOver;

        private Starting(HeomdmConfig config, SideBySide together, SideBySide.Slot<Analytics> analytics, SideBySide.Slot<Decisions> decisions,
                SideBySide.Slot<Campaigns> campaigns) {
            this.config = config;
            this.together = together;
            this.analytics = analytics;
            this.decisions = decisions;
            this.campaigns = campaigns;
        }

        /** Waits for every start (one failed: the others are closed and its exception thrown), registers each to stop at the Streams stage and to answer on /health, and logs one ready line each. */
        synchronized StreamsServices ready(Services services) {
            handedOver = true;
            together.awaitAll();
            return StreamsServices.of(config, analytics, decisions, campaigns, services);
        }

        /** The platform failed to start before {@link #ready}: what started is closed, not left running. */
        @Override
        public synchronized void close() {
            if (handedOver) {
                return;
            }
            handedOver = true;
            together.closeAll(e -> log.warn("while stopping a Streams service that had started: {}", e.toString()));
        }
    }

    private static StreamsServices of(HeomdmConfig config, SideBySide.Slot<Analytics> analytics, SideBySide.Slot<Decisions> decisions,
            SideBySide.Slot<Campaigns> campaigns, Services services) {
        var a = config.analytics();
        var d = config.decisions();
        var c = config.campaigns();
        Map<String, StreamsApp> applications = new LinkedHashMap<>();
        analytics.started().ifPresent(s -> s.part().applications().forEach(app -> applications.put(serviceOf(app), app)));
        decisions.started().ifPresent(s -> s.part().applications().forEach(app -> applications.put(serviceOf(app), app)));
        campaigns.started().ifPresent(s -> s.part().applications().forEach(app -> applications.put(serviceOf(app), app)));

        AnalyticsQueries analyticsQueries = analytics.started().map(s -> {
            services.add(Stage.STREAMS, s.part(), HealthCheck.of("analytics", s.part()::isRunning, s.part()::deadLettered));
            log.info("  Analytics ready  profiles, {} segment rule(s) + RFM, churn risk, product demand → {} (swept every {} s, {} ms)",
                    a.segments().size(), AnalyticsTopics.all().stream().map(spec -> spec.name()).toList(), a.sweepEverySeconds(), s.millis());
            return ServiceQueries.of(s.part());
        }).orElse(AnalyticsQueries.DISABLED);
        DecisionQueries decisionQueries = decisions.started().map(s -> {
            services.add(Stage.STREAMS, s.part(), HealthCheck.of("decisions", s.part()::isRunning, s.part()::deadLettered));
            log.info("  Decisions ready  pricing ({} mode, {} levels) and recommendations ({}) → {} ({} ms)", d.pricing().mode().name().toLowerCase(java.util.Locale.ROOT),
                    d.pricing().levels(), d.recommendations().score().name().toLowerCase(java.util.Locale.ROOT), DecisionsTopics.all().stream().map(spec -> spec.name()).toList(), s.millis());
            return ServiceQueries.of(s.part());
        }).orElse(DecisionQueries.DISABLED);
        JourneyQueries journeyQueries = campaigns.started().map(s -> {
            services.add(Stage.STREAMS, s.part(), HealthCheck.of("campaigns", s.part()::isRunning, s.part()::deadLettered));
            log.info("  Campaigns ready  {} journey(s) {}, gate: consent, suppression, {} frequency cap(s), quiet hours {} → {} ({} ms)",
                    c.settings().journeys().size(), c.settings().journeys().stream().map(j -> j.id()).toList(), c.gate().caps().size(),
                    c.gate().quietFrom().isBlank() ? "none" : c.gate().quietFrom() + "-" + c.gate().quietUntil(), CampaignsTopics.DELIVERIES.name(),
                    s.millis());
            return ServiceQueries.of(s.part());
        }).orElse(JourneyQueries.DISABLED);
        return new StreamsServices(analyticsQueries, decisionQueries, journeyQueries, Map.copyOf(applications));
    }

    /** The name the API and the bench give an application: its key in {@link PlatformServices#GROUPS}. */
    private static String serviceOf(StreamsApp app) {
        return PlatformServices.GROUPS.entrySet().stream().filter(e -> e.getValue().equals(app.applicationId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no service name for " + app.applicationId())).getKey();
    }
}
