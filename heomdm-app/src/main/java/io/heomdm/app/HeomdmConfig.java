package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.demand.DemandSettings;
import io.heomdm.analytics.scores.CustomerScores;
import io.heomdm.analytics.scores.RfmCuts;
import io.heomdm.analytics.segments.Rule;
import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.events.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, read from YAML with environment overrides ({@link ConfigLoader}) and
 * validated at start-up: {@link #problems()} names each wrong setting and what is allowed.
 */
public record HeomdmConfig(String dataDir, Http http, Kafka kafka, Sqs sqs, Database database, Smtp smtp, Notifications notifications, Crm crm,
        Workers workers, Tasks tasks, Analytics analytics) {

    public record Http(String host, int port, int maxBodyBytes, int maxBatchItems, int threads) {
    }

    public record Kafka(String bootstrapServers, int embeddedPort, long ackTimeoutMs, short replicationFactor, int minInsyncReplicas,
            Map<String, String> properties) {
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

    public record Notifications(String smsWebhook, String pushWebhook) {
    }

    public record Crm(String endpoint) {
    }

    public record Workers(int concurrency) {
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

    /** Every rule the configuration breaks, as "setting: rule"; empty when it is valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        port(p, "http.port", http.port());
        range(p, "http.maxBodyBytes", http.maxBodyBytes(), 1024, 64 * 1024 * 1024);
        range(p, "http.maxBatchItems", http.maxBatchItems(), 1, 100_000);
        range(p, "http.threads", http.threads(), 1, 1024);
        port(p, "kafka.embeddedPort", kafka.embeddedPort());
        range(p, "kafka.ackTimeoutMs", kafka.ackTimeoutMs(), 100, 300_000);
        range(p, "kafka.replicationFactor", kafka.replicationFactor(), 1, 7);
        range(p, "kafka.minInsyncReplicas", kafka.minInsyncReplicas(), 1, kafka.replicationFactor());
        if (kafka.embedded() && kafka.replicationFactor() != 1) {
            p.add("kafka.replicationFactor: must be 1 with the embedded single broker (set kafka.bootstrapServers for a cluster)");
        }
        if (!sqs.embedded() && !sqs.endpoint().equals("aws") && !sqs.endpoint().matches("https?://.+")) {
            p.add("sqs.endpoint: must be an http(s) URL, \"aws\" for AWS itself, or empty for the embedded server");
        }
        if (sqs.region() == null || sqs.region().isBlank()) {
            p.add("sqs.region: must be set, e.g. us-east-1");
        }
        port(p, "sqs.embeddedPort", sqs.embeddedPort());
        if (!database.embedded() && !database.url().startsWith("jdbc:postgresql:") && !database.url().startsWith("jdbc:h2:")) {
            p.add("database.url: must be a jdbc:postgresql: or jdbc:h2: URL, or empty for the embedded H2 database");
        }
        range(p, "database.maxPoolSize", database.maxPoolSize(), 1, 500);
        port(p, "smtp.port", smtp.port());
        port(p, "smtp.embeddedPort", smtp.embeddedPort());
        if (smtp.from() == null || !smtp.from().contains("@")) {
            p.add("smtp.from: must be an e-mail address such as \"Shop <no-reply@example.com>\"");
        }
        url(p, "notifications.smsWebhook", notifications.smsWebhook());
        url(p, "notifications.pushWebhook", notifications.pushWebhook());
        url(p, "crm.endpoint", crm.endpoint());
        range(p, "workers.concurrency", workers.concurrency(), 1, 1000);
        if (!Tasks.SQS.equals(tasks.transport()) && !Tasks.KAFKA_SHARE.equals(tasks.transport())) {
            p.add("tasks.transport: must be \"" + Tasks.SQS + "\" or \"" + Tasks.KAFKA_SHARE + "\", was \"" + tasks.transport() + "\"");
        }
        range(p, "tasks.partitions", tasks.partitions(), 1, 1000);
        range(p, "analytics.threads", analytics.threads(), 1, 64);
        range(p, "analytics.sweepEverySeconds", analytics.sweepEverySeconds(), 1, 86_400);
        range(p, "analytics.requantileEveryMinutes", analytics.requantileEveryMinutes(), 1, 10_080);
        if (analytics.requantileEveryMinutes() * 60L < analytics.sweepEverySeconds()) {
            p.add("analytics.requantileEveryMinutes: must be at least analytics.sweepEverySeconds");
        }
        range(p, "analytics.minPopulation", analytics.minPopulation(), 5, Integer.MAX_VALUE);
        range(p, "analytics.churnStep", analytics.churnStep(), 1, 100);
        var d = analytics.demand();
        range(p, "analytics.demand.windowMinutes", d.windowMinutes(), 1, 7 * 1440);
        range(p, "analytics.demand.advanceMinutes", d.advanceMinutes(), 1, d.windowMinutes());
        if (d.advanceMinutes() > 0 && 60 % d.advanceMinutes() != 0 && d.advanceMinutes() % 60 != 0) {
            p.add("analytics.demand.advanceMinutes: must divide an hour or be whole hours, so windows line up with the hours of the day");
        }
        range(p, "analytics.demand.graceSeconds", d.graceSeconds(), 0, 86_400);
        if (!(d.alpha() > 0 && d.alpha() <= 1) || !(d.gamma() > 0 && d.gamma() <= 1)) {
            p.add("analytics.demand.alpha, analytics.demand.gamma: must be above 0 and at most 1");
        }
        analytics.segments().keySet().stream().filter(CustomerScores.RFM_SEGMENTS::contains)
                .forEach(n -> p.add("analytics.segments." + n + ": the name is an RFM segment's; choose another"));
        try {
            analytics.catalog();
        } catch (RuleParser.InvalidRuleException e) {
            e.violations().forEach(v -> p.add(v.field().replaceFirst("^segments\\.", "analytics.segments.") + ": " + v.rule()));
        }
        if (dataDir == null || dataDir.isBlank()) {
            p.add("dataDir: must be a directory path");
        }
        return p;
    }

    private static void url(List<String> p, String name, String value) {
        if (value != null && !value.isBlank() && !value.matches("https?://\\S+")) {
            p.add(name + ": must be an http(s) URL, or empty");
        }
    }

    private static void port(List<String> p, String name, int value) {
        range(p, name, value, 0, 65535);
    }

    private static void range(List<String> p, String name, long value, long min, long max) {
        if (value < min || value > max) {
            p.add(name + ": must be between " + min + " and " + max + ", was " + value);
        }
    }
}
