package io.heomdm.app;

import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.analytics.scores.CustomerScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rules a configuration must keep, each broken one named as "setting: rule"; the records' own checks use the same helpers. */
final class ConfigRules {
    private ConfigRules() {
    }

    /** Every rule the configuration breaks, as "setting: rule"; empty when it is valid. */
    static List<String> problems(HeomdmConfig c) {
        List<String> p = new ArrayList<>();
        port(p, "http.port", c.http().port());
        range(p, "http.maxBodyBytes", c.http().maxBodyBytes(), 1024, 64 * 1024 * 1024);
        range(p, "http.maxBatchItems", c.http().maxBatchItems(), 1, 100_000);
        range(p, "http.threads", c.http().threads(), 1, 1024);
        range(p, "http.maxQueued", c.http().maxQueued(), 0, 100_000);
        range(p, "http.requestsPerSecond", c.http().requestsPerSecond(), 1, 1_000_000);
        range(p, "http.burst", c.http().burst(), 1, 10_000_000);
        if (c.http().tls() != null && c.http().tls().keyStore() != null && !c.http().tls().keyStore().isBlank()
                && !java.nio.file.Files.isReadable(java.nio.file.Path.of(c.http().tls().keyStore()))) {
            p.add("http.tls.keyStore: " + c.http().tls().keyStore() + " is not a readable file");
        }
        if (c.http().allowedHosts() == null) {
            p.add("http.allowedHosts: must be a list of host names (empty: any host)");
        }
        port(p, "kafka.embeddedPort", c.kafka().embeddedPort());
        range(p, "kafka.ackTimeoutMs", c.kafka().ackTimeoutMs(), 100, 300_000);
        range(p, "kafka.replicationFactor", c.kafka().replicationFactor(), 1, 7);
        range(p, "kafka.minInsyncReplicas", c.kafka().minInsyncReplicas(), 1, c.kafka().replicationFactor());
        range(p, "kafka.deduplicationDays", c.kafka().deduplicationDays(), 1, 3653);
        if (c.kafka().replicationFactor() >= 3 && c.kafka().minInsyncReplicas() < 2) {
            p.add("kafka.minInsyncReplicas: must be at least 2 with replicationFactor " + c.kafka().replicationFactor()
                    + " (with 1, a write acknowledged by one broker is lost with it)");
        }
        if (c.kafka().embedded() && c.kafka().replicationFactor() != 1) {
            p.add("kafka.replicationFactor: must be 1 with the embedded single broker (set kafka.bootstrapServers for a cluster)");
        }
        if (!c.sqs().embedded() && !c.sqs().endpoint().equals("aws") && !c.sqs().endpoint().matches("https?://.+")) {
            p.add("sqs.endpoint: must be an http(s) URL, \"aws\" for AWS itself, or empty for the embedded server");
        }
        if (c.sqs().region() == null || c.sqs().region().isBlank()) {
            p.add("sqs.region: must be set, e.g. us-east-1");
        }
        port(p, "sqs.embeddedPort", c.sqs().embeddedPort());
        if (!c.database().embedded() && !c.database().url().startsWith("jdbc:postgresql:") && !c.database().url().startsWith("jdbc:h2:")) {
            p.add("database.url: must be a jdbc:postgresql: or jdbc:h2: URL, or empty for the embedded H2 database");
        }
        range(p, "database.maxPoolSize", c.database().maxPoolSize(), 1, 500);
        port(p, "smtp.port", c.smtp().port());
        port(p, "smtp.embeddedPort", c.smtp().embeddedPort());
        if (c.smtp().from() == null || !c.smtp().from().contains("@")) {
            p.add("smtp.from: must be an e-mail address such as \"Shop <no-reply@example.com>\"");
        }
        url(p, "notifications.smsWebhook", c.notifications().smsWebhook());
        url(p, "notifications.pushWebhook", c.notifications().pushWebhook());
        url(p, "crm.endpoint", c.crm().endpoint());
        range(p, "workers.concurrency", c.workers().concurrency(), 1, 1000);
        range(p, "archive.rollSeconds", c.archive().rollSeconds(), 1, 3600);
        range(p, "archive.maxFileRecords", c.archive().maxFileRecords(), 1, 10_000_000);
        url(p, "archive.s3.endpoint", c.archive().s3().endpoint());
        if (c.archive().s3().used() && (c.archive().s3().region() == null || c.archive().s3().region().isBlank())) {
            p.add("archive.s3.region: must be set when archive.s3.bucket is, e.g. us-east-1");
        }
        if (!HeomdmConfig.Tasks.SQS.equals(c.tasks().transport()) && !HeomdmConfig.Tasks.KAFKA_SHARE.equals(c.tasks().transport())) {
            p.add("tasks.transport: must be \"" + HeomdmConfig.Tasks.SQS + "\" or \"" + HeomdmConfig.Tasks.KAFKA_SHARE + "\", was \"" + c.tasks().transport() + "\"");
        }
        range(p, "tasks.partitions", c.tasks().partitions(), 1, 1000);
        range(p, "analytics.threads", c.analytics().threads(), 1, 64);
        range(p, "analytics.sweepEverySeconds", c.analytics().sweepEverySeconds(), 1, 86_400);
        range(p, "analytics.requantileEveryMinutes", c.analytics().requantileEveryMinutes(), 1, 10_080);
        if (c.analytics().requantileEveryMinutes() * 60L < c.analytics().sweepEverySeconds()) {
            p.add("analytics.requantileEveryMinutes: must be at least analytics.sweepEverySeconds");
        }
        range(p, "analytics.minPopulation", c.analytics().minPopulation(), 5, Integer.MAX_VALUE);
        range(p, "analytics.churnStep", c.analytics().churnStep(), 1, 100);
        var d = c.analytics().demand();
        range(p, "analytics.demand.windowMinutes", d.windowMinutes(), 1, 7 * 1440);
        range(p, "analytics.demand.advanceMinutes", d.advanceMinutes(), 1, d.windowMinutes());
        if (d.advanceMinutes() > 0 && 60 % d.advanceMinutes() != 0 && d.advanceMinutes() % 60 != 0) {
            p.add("analytics.demand.advanceMinutes: must divide an hour or be whole hours, so windows line up with the hours of the day");
        }
        range(p, "analytics.demand.graceSeconds", d.graceSeconds(), 0, 86_400);
        if (!(d.alpha() > 0 && d.alpha() <= 1) || !(d.gamma() > 0 && d.gamma() <= 1)) {
            p.add("analytics.demand.alpha, analytics.demand.gamma: must be above 0 and at most 1");
        }
        c.analytics().segments().keySet().stream().filter(CustomerScores.RFM_SEGMENTS::contains)
                .forEach(n -> p.add("analytics.segments." + n + ": the name is an RFM segment's; choose another"));
        try {
            c.analytics().catalog();
        } catch (RuleParser.InvalidRuleException e) {
            e.violations().forEach(v -> p.add(v.field().replaceFirst("^segments\\.", "analytics.segments.") + ": " + v.rule()));
        }
        c.decisions().check(p);
        c.campaigns().check(p);
        if (c.dataDir() == null || c.dataDir().isBlank()) {
            p.add("dataDir: must be a directory path");
        }
        return p;
    }

    static void url(List<String> p, String name, String value) {
        if (value != null && !value.isBlank() && !value.matches("https?://\\S+")) {
            p.add(name + ": must be an http(s) URL, or empty");
        }
    }

    static void between(List<String> p, String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            p.add(name + ": must be between " + min + " and " + max + ", was " + value);
        }
    }

    static void oneOf(List<String> p, String name, String value, List<String> allowed) {
        if (value == null || !allowed.contains(value.toLowerCase(Locale.ROOT))) {
            p.add(name + ": must be one of " + allowed + ", was " + value);
        }
    }

    static void port(List<String> p, String name, int value) {
        range(p, name, value, 0, 65535);
    }

    static void range(List<String> p, String name, long value, long min, long max) {
        if (value < min || value > max) {
            p.add(name + ": must be between " + min + " and " + max + ", was " + value);
        }
    }
}
