package io.heomdm.app;

import static io.heomdm.app.ConfigRules.between;
import static io.heomdm.app.ConfigRules.oneOf;
import static io.heomdm.app.ConfigRules.range;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.demand.DemandSettings;
import io.heomdm.analytics.scores.RfmCuts;
import io.heomdm.analytics.segments.Rule;
import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.campaigns.BuiltInJourneys;
import io.heomdm.campaigns.CampaignSettings;
import io.heomdm.campaigns.PriceDropSettings;
import io.heomdm.campaigns.GateSettings;
import io.heomdm.campaigns.Journey;
import io.heomdm.campaigns.JourneyDefinitions;
import io.heomdm.campaigns.JourneySpec;
import io.heomdm.campaigns.MessageCosts;
import io.heomdm.decisions.pricing.PriceTest;
import io.heomdm.events.schema.Channel;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.events.Violation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, read from YAML with environment overrides ({@link ConfigLoader}) and
 * validated at start-up: {@link #problems()} names each wrong setting and what is allowed.
 */
public record HeomdmConfig(String dataDir, Http http, Kafka kafka, Sqs sqs, Database database, Smtp smtp, Notifications notifications, Crm crm,
        Workers workers, Tasks tasks, Analytics analytics, Decisions decisions, Campaigns campaigns, Archive archive) {

    public record Http(String host, int port, int maxBodyBytes, int maxBatchItems, int threads, int maxQueued, int requestsPerSecond, int burst,
            List<String> allowedHosts, Tls tls) {
        /** HTTPS when keyStore is set; the password best from HEOMDM_HTTP_TLS_KEYSTOREPASSWORD. */
        public record Tls(String keyStore, String keyStorePassword) {
            @Override
            public String toString() {
                return "Tls[" + keyStore + "]";
            }
        }
    }

    public record Kafka(String bootstrapServers, int embeddedPort, long ackTimeoutMs, short replicationFactor, int minInsyncReplicas,
            int deduplicationDays, Map<String, String> properties) {
        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    public record Sqs(String endpoint, String region, String accessKey, String secretKey, int embeddedPort, boolean persistEmbeddedQueues) {
        public boolean embedded() {
            return endpoint == null || endpoint.isBlank();
        }
    }

    public record Database(String url, String user, String password, int maxPoolSize) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    public record Smtp(String host, int port, int embeddedPort, String from, String username, String password, boolean startTls) {
        public boolean embedded() {
            return host == null || host.isBlank();
        }
    }

    /** @param signingSecret signs every webhook call (Heomdm-Signature); best set from HEOMDM_NOTIFICATIONS_SIGNINGSECRET */
    public record Notifications(String smsWebhook, String pushWebhook, String signingSecret) {
    }

    /** @param signingSecret signs every call (Heomdm-Signature); best set from HEOMDM_CRM_SIGNINGSECRET */
    public record Crm(String endpoint, String signingSecret) {
    }

    public record Workers(int concurrency) {
    }

    /**
     * The audit archive: every record of the market topics in Avro files per topic and hour.
     *
     * @param directory      where the files go; empty: {@code <dataDir>/archive}; not used once s3.bucket is set
     * @param rollSeconds    the longest a record waits before its file is stored: the archive's lag behind the log
     * @param maxFileRecords records per file at most
     */
    public record Archive(boolean enabled, String directory, S3 s3, int rollSeconds, int maxFileRecords) {
        /** An S3 bucket instead of the directory when {@code bucket} is set; an S3-compatible server at {@code endpoint}. */
        public record S3(String bucket, String prefix, String endpoint, String region, String accessKey, String secretKey) {
            public boolean used() {
                return bucket != null && !bucket.isBlank();
            }

            @Override
            public String toString() {
                return "S3[" + bucket + "/" + prefix + "]";
            }
        }
    }

    /**
     * @param transport  what carries the task queues: SQS, or Kafka share groups (then SQS is not used at all)
     * @param partitions partitions of each task topic on Kafka share groups
     */
    public record Tasks(String transport, int partitions) {
        public static final String SQS = "sqs";
        public static final String KAFKA_SHARE = "kafka-share";

        public boolean onKafka() {
            return KAFKA_SHARE.equals(transport);
        }
    }

    /**
     * The customer analytics application (Kafka Streams).
     *
     * @param sweepEverySeconds how often every customer is evaluated again with no event arriving
     * @param requantileEveryMinutes how often RFM cut points are read again from the population
     * @param rfmCuts fixed RFM cut points (recencyDays, frequency, monetary: four ascending values each); absent: quantiles
     * @param segments segment name → rule tree in the segment rule language
     * @param demand product demand windows and forecast
     */
    public record Analytics(boolean enabled, int threads, int sweepEverySeconds, int requantileEveryMinutes, int minPopulation, int churnStep,
            RfmCuts rfmCuts, Map<String, JsonNode> segments, Demand demand) {

        public record Demand(int windowMinutes, int advanceMinutes, int graceSeconds, double alpha, double gamma) {
            public DemandSettings settings() {
                return new DemandSettings(Duration.ofMinutes(windowMinutes), Duration.ofMinutes(advanceMinutes), Duration.ofSeconds(graceSeconds),
                        alpha, gamma);
            }
        }

        public CustomerAnalyticsSettings settings() {
            return new CustomerAnalyticsSettings(Duration.ofSeconds(sweepEverySeconds), Duration.ofMinutes(requantileEveryMinutes), minPopulation,
                    Optional.ofNullable(rfmCuts), churnStep);
        }

        /** The segments, parsed and checked together; an {@link RuleParser.InvalidRuleException} names each problem by its path. */
        public SegmentCatalog catalog() {
            Map<String, Rule> rules = new LinkedHashMap<>();
            List<Violation> violations = new ArrayList<>();
            segments.forEach((name, tree) -> {
                try {
                    rules.put(name, RuleParser.parse(tree, "analytics.segments." + name));
                } catch (RuleParser.InvalidRuleException e) {
                    violations.addAll(e.violations());
                }
            });
            if (!violations.isEmpty()) {
                throw new RuleParser.InvalidRuleException(violations);
            }
            return SegmentCatalog.of(rules);
        }
    }

    /**
     * Campaign journeys (Kafka Streams) and the delivery gate.
     *
     * @param tickSeconds how often the journeys' timers are looked at
     * @param journeys    journeys of one's own, by id, in the shape of {@link JourneySpec}
     */
    public record Campaigns(boolean enabled, int threads, int tickSeconds, CartAbandonment cartAbandonment, WinBack winBack, PriceDrop priceDrop,
            Gate gate, Costs costs, Map<String, JourneySpec> journeys) {

        /** @param perMessage email, sms, push → what one message costs a campaign with a budget */
        public record Costs(String currency, Map<String, BigDecimal> perMessage) {
        }

        public MessageCosts messageCosts() {
            Map<Channel, BigDecimal> perChannel = new java.util.EnumMap<>(Channel.class);
            costs.perMessage().forEach((channel, cost) -> perChannel.put(Channel.valueOf(channel.toUpperCase(Locale.ROOT)), cost));
            return new MessageCosts(perChannel, costs.currency());
        }

        public record PriceDrop(boolean enabled, double minDropPercent, int viewedWithinDays, String template) {
        }

        public record CartAbandonment(boolean enabled, int firstAfterMinutes, int secondAfterHours, int cooldownHours) {
        }

        public record WinBack(boolean enabled, List<String> segments, String template, int cooldownDays) {
        }

        /** @param channel email, sms, push, or all (every channel together) */
        public record Cap(String channel, int max, int windowHours) {
        }

        /** @param quietFrom quiet hours' start in the customer's time zone, "HH:mm"; empty for none */
        public record Gate(List<Cap> caps, String quietFrom, String quietUntil) {
        }

        /** The built-in journeys switched on, then one's own; call after {@link #check} found nothing. */
        private List<Journey> allJourneys() {
            List<Journey> all = new java.util.ArrayList<>();
            if (cartAbandonment.enabled()) {
                all.add(BuiltInJourneys.cartAbandonment(Duration.ofMinutes(cartAbandonment.firstAfterMinutes()),
                        Duration.ofHours(cartAbandonment.secondAfterHours()), Duration.ofHours(cartAbandonment.cooldownHours())));
            }
            if (winBack.enabled()) {
                all.addAll(BuiltInJourneys.winBack(winBack.segments(), winBack.template(), Duration.ofDays(winBack.cooldownDays())));
            }
            if (priceDrop.enabled()) {
                all.add(BuiltInJourneys.priceDrop(priceDrop.template()));
            }
            List<String> ignored = new java.util.ArrayList<>();
            journeys.forEach((id, spec) -> spec.compile(id, "campaigns.journeys." + id, ignored).ifPresent(all::add));
            return all;
        }

        public CampaignSettings settings() {
            return new CampaignSettings(allJourneys(), gateSettings(), Duration.ofSeconds(tickSeconds), priceDrop.enabled()
                    ? new PriceDropSettings(priceDrop.minDropPercent(), Duration.ofDays(priceDrop.viewedWithinDays()), priceDrop.template()) : null);
        }

        private GateSettings gateSettings() {
            var caps = gate.caps().stream().map(c -> new GateSettings.FrequencyCap(c.channel().equals("all") ? null
                    : Channel.valueOf(c.channel().toUpperCase(Locale.ROOT)), c.max(), Duration.ofHours(c.windowHours()))).toList();
            boolean quiet = !gate.quietFrom().isBlank();
            return new GateSettings(caps, quiet ? LocalTime.parse(gate.quietFrom()) : null, quiet ? LocalTime.parse(gate.quietUntil()) : null);
        }

        void check(List<String> p) {
            range(p, "campaigns.threads", threads, 1, 64);
            range(p, "campaigns.tickSeconds", tickSeconds, 1, 3600);
            range(p, "campaigns.cartAbandonment.firstAfterMinutes", cartAbandonment.firstAfterMinutes(), 1, 10_080);
            range(p, "campaigns.cartAbandonment.secondAfterHours", cartAbandonment.secondAfterHours(), 1, 720);
            range(p, "campaigns.cartAbandonment.cooldownHours", cartAbandonment.cooldownHours(), 0, 8_760);
            if (winBack.segments() == null || winBack.segments().isEmpty()) {
                p.add("campaigns.winBack.segments: must name at least one segment");
            }
            if (winBack.template() == null || winBack.template().isBlank()) {
                p.add("campaigns.winBack.template: must name a template");
            }
            range(p, "campaigns.winBack.cooldownDays", winBack.cooldownDays(), 0, 3650);
            between(p, "campaigns.priceDrop.minDropPercent", priceDrop.minDropPercent(), 0.1, 100);
            range(p, "campaigns.priceDrop.viewedWithinDays", priceDrop.viewedWithinDays(), 1, 365);
            if (priceDrop.template() == null || priceDrop.template().isBlank()) {
                p.add("campaigns.priceDrop.template: must name a template");
            }
            for (int i = 0; i < gate.caps().size(); i++) {
                var cap = gate.caps().get(i);
                oneOf(p, "campaigns.gate.caps[" + i + "].channel", cap.channel(), List.of("all", "email", "sms", "push"));
                range(p, "campaigns.gate.caps[" + i + "].max", cap.max(), 0, 10_000);
                range(p, "campaigns.gate.caps[" + i + "].windowHours", cap.windowHours(), 1, 24 * 365);
            }
            if (gate.quietFrom().isBlank() != gate.quietUntil().isBlank()) {
                p.add("campaigns.gate.quietFrom, campaigns.gate.quietUntil: give both, or neither for no quiet hours");
            } else if (!gate.quietFrom().isBlank()) {
                for (var t : Map.of("quietFrom", gate.quietFrom(), "quietUntil", gate.quietUntil()).entrySet()) {
                    try {
                        LocalTime.parse(t.getValue());
                    } catch (java.time.format.DateTimeParseException e) {
                        p.add("campaigns.gate." + t.getKey() + ": must be a time of day such as 21:00");
                    }
                }
            }
            if (costs.currency() == null || !costs.currency().matches("[A-Z]{3}")) {
                p.add("campaigns.costs.currency: must be an ISO 4217 code such as EUR");
            }
            costs.perMessage().forEach((channel, cost) -> {
                oneOf(p, "campaigns.costs.perMessage." + channel, channel, List.of("email", "sms", "push"));
                if (cost == null || cost.signum() < 0 || cost.scale() > 2) {
                    p.add("campaigns.costs.perMessage." + channel + ": must be 0 or more, in cents at most (0.01)");
                }
            });
            journeys.forEach((id, spec) -> {
                JourneyDefinitions.idProblem(id).ifPresent(problem -> p.add("campaigns.journeys." + id + ": " + problem));
                spec.compile(id, "campaigns.journeys." + id, p);
            });
        }
    }

    /** The decision services (Kafka Streams): pricing and recommendations. */
    public record Decisions(boolean enabled, int threads, Pricing pricing, Recommendations recommendations) {

        /**
         * @param priceEnding      prices end in this fraction, e.g. 0.99; null rounds to the cent
         * @param mode             recommend or auto; categoryModes and productModes override it
         */
        public record Pricing(int levels, String objective, double maxChangePercent, int minIntervalMinutes, BigDecimal priceEnding,
                double competitorBelowPercent, double competitorAbovePercent, int competitorMaxAgeHours, double marginFloorPercent,
                double forgetting, double elasticityForgetting, int minDistinctPrices, double priorShape, String mode,
                Map<String, String> categoryModes, Map<String, String> productModes, int decisionsKept, long seed,
                Map<String, PriceTestConfig> tests) {

            /** A price test: its prices (the arms) and the instant from which new customers are split between them. */
            public record PriceTestConfig(String productId, List<BigDecimal> prices, String startsAt) {
            }

            public List<PriceTest> priceTests() {
                return tests.entrySet().stream()
                        .map(t -> new PriceTest(t.getKey(), t.getValue().productId(), t.getValue().prices(), Instant.parse(t.getValue().startsAt())))
                        .toList();
            }

            public PricingSettings settings() {
                return new PricingSettings(levels, PricingSettings.Objective.valueOf(objective.toUpperCase(Locale.ROOT)), maxChangePercent / 100,
                        Duration.ofMinutes(minIntervalMinutes), priceEnding, competitorBelowPercent / 100, competitorAbovePercent / 100,
                        Duration.ofHours(competitorMaxAgeHours), marginFloorPercent / 100, forgetting, elasticityForgetting, minDistinctPrices,
                        priorShape, mode(mode), modes(categoryModes), modes(productModes), decisionsKept, seed);
            }

            private static Map<String, PricingSettings.Mode> modes(Map<String, String> modes) {
                Map<String, PricingSettings.Mode> out = new LinkedHashMap<>();
                modes.forEach((k, v) -> out.put(k, mode(v)));
                return out;
            }

            private static PricingSettings.Mode mode(String name) {
                return PricingSettings.Mode.valueOf(name.toUpperCase(Locale.ROOT));
            }
        }

        public record Recommendations(int maxBasketItems, int maxNeighbours, int topN, int affinityHalfLifeDays, int trendHalfLifeHours,
                double viewWeight, double cartWeight, double orderWeight, String score, double explorationShare, int affinityItems, int boughtKept) {

            public RecommendationSettings settings() {
                return new RecommendationSettings(maxBasketItems, maxNeighbours, topN, Duration.ofDays(affinityHalfLifeDays),
                        Duration.ofHours(trendHalfLifeHours), viewWeight, cartWeight, orderWeight,
                        RecommendationSettings.Score.valueOf(score.toUpperCase(Locale.ROOT)), explorationShare, affinityItems, boughtKept);
            }
        }

        void check(List<String> p) {
            range(p, "decisions.threads", threads, 1, 64);
            var pr = pricing;
            range(p, "decisions.pricing.levels", pr.levels(), 5, 7);
            oneOf(p, "decisions.pricing.objective", pr.objective(), List.of("revenue", "margin"));
            between(p, "decisions.pricing.maxChangePercent", pr.maxChangePercent(), 0.1, 100);
            range(p, "decisions.pricing.minIntervalMinutes", pr.minIntervalMinutes(), 0, 10_080);
            if (pr.priceEnding() != null && (pr.priceEnding().signum() < 0 || pr.priceEnding().compareTo(BigDecimal.ONE) >= 0
                    || pr.priceEnding().scale() > 2)) {
                p.add("decisions.pricing.priceEnding: must be a fraction of a unit in cents, 0.00 to 0.99 (e.g. 0.99), or null for the cent");
            }
            between(p, "decisions.pricing.competitorBelowPercent", pr.competitorBelowPercent(), 0, 100);
            between(p, "decisions.pricing.competitorAbovePercent", pr.competitorAbovePercent(), 0, 1000);
            range(p, "decisions.pricing.competitorMaxAgeHours", pr.competitorMaxAgeHours(), 1, 24 * 365);
            between(p, "decisions.pricing.marginFloorPercent", pr.marginFloorPercent(), 0, 1000);
            between(p, "decisions.pricing.forgetting", pr.forgetting(), 0.5, 1);
            between(p, "decisions.pricing.elasticityForgetting", pr.elasticityForgetting(), 0.5, 1);
            range(p, "decisions.pricing.minDistinctPrices", pr.minDistinctPrices(), 2, 16);
            between(p, "decisions.pricing.priorShape", pr.priorShape(), 0.01, 100);
            List<String> modes = List.of("recommend", "auto");
            oneOf(p, "decisions.pricing.mode", pr.mode(), modes);
            pr.categoryModes().forEach((k, v) -> oneOf(p, "decisions.pricing.categoryModes." + k, v, modes));
            pr.productModes().forEach((k, v) -> oneOf(p, "decisions.pricing.productModes." + k, v, modes));
            range(p, "decisions.pricing.decisionsKept", pr.decisionsKept(), 1, 100);
            pr.tests().forEach((id, t) -> {
                String at = "decisions.pricing.tests." + id;
                if (t.productId() == null || t.productId().isBlank()) {
                    p.add(at + ".productId: must name the product under test");
                }
                if (t.prices() == null || t.prices().size() < 2 || t.prices().size() > 4
                        || t.prices().stream().anyMatch(price -> price == null || price.signum() <= 0)) {
                    p.add(at + ".prices: must be 2 to 4 positive prices, one per arm");
                }
                try {
                    Instant.parse(String.valueOf(t.startsAt()));
                } catch (java.time.format.DateTimeParseException e) {
                    p.add(at + ".startsAt: must be an instant such as 2026-12-01T00:00:00Z (customers first seen from then on take part)");
                }
            });
            var r = recommendations;
            range(p, "decisions.recommendations.maxBasketItems", r.maxBasketItems(), 2, 100);
            range(p, "decisions.recommendations.maxNeighbours", r.maxNeighbours(), 1, 10_000);
            range(p, "decisions.recommendations.topN", r.topN(), 1, r.maxNeighbours());
            range(p, "decisions.recommendations.affinityHalfLifeDays", r.affinityHalfLifeDays(), 1, 3650);
            range(p, "decisions.recommendations.trendHalfLifeHours", r.trendHalfLifeHours(), 1, 24 * 365);
            for (var w : Map.of("viewWeight", r.viewWeight(), "cartWeight", r.cartWeight(), "orderWeight", r.orderWeight()).entrySet()) {
                between(p, "decisions.recommendations." + w.getKey(), w.getValue(), 0, 1000);
            }
            oneOf(p, "decisions.recommendations.score", r.score(), List.of("jaccard", "lift"));
            between(p, "decisions.recommendations.explorationShare", r.explorationShare(), 0, 0.5);
            range(p, "decisions.recommendations.affinityItems", r.affinityItems(), 1, 10_000);
            range(p, "decisions.recommendations.boughtKept", r.boughtKept(), 0, 100_000);
        }
    }

    /** Every rule the configuration breaks, as "setting: rule"; empty when it is valid. */
    public List<String> problems() {
        return ConfigRules.problems(this);
    }
}
