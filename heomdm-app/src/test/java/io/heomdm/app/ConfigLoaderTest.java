package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultsRunEverythingEmbedded() {
        HeomdmConfig c = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(c.kafka().embedded()).isTrue();
        assertThat(c.sqs().embedded()).isTrue();
        assertThat(c.database().embedded()).isTrue();
        assertThat(c.smtp().embedded()).isTrue();
        assertThat(c.http().port()).isEqualTo(8080);
    }

    @Test
    void aFileOverridesDefaultsAndTheEnvironmentOverridesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("prod.yaml"), """
                kafka:
                  bootstrapServers: k1:9092,k2:9092,k3:9092
                  replicationFactor: 3
                  minInsyncReplicas: 2
                  properties:
                    security.protocol: SASL_SSL
                database:
                  url: jdbc:postgresql://db:5432/heomdm
                http:
                  port: 9000
                """);
        HeomdmConfig c = ConfigLoader.load(Optional.of(file), Map.of("HEOMDM_HTTP_PORT", "9100", "HEOMDM_SQS_ENDPOINT", "aws",
                "HEOMDM_KAFKA_ACK_TIMEOUT_MS", "2500", "HEOMDM_KAFKA_DEDUPLICATION_DAYS", "30"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092,k3:9092");
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.kafka().minInsyncReplicas()).isEqualTo(2);
        assertThat(c.kafka().ackTimeoutMs()).isEqualTo(2500);
        assertThat(c.kafka().deduplicationDays()).as("a retry horizon of a month").isEqualTo(30);
        assertThat(c.http().port()).isEqualTo(9100);
        assertThat(c.http().threads()).isEqualTo(16);
        assertThat(c.sqs().embedded()).isFalse();
        assertThat(c.database().embedded()).isFalse();
    }

    @Test
    void anUnknownSettingIsNamedWithWhatIsKnown() throws Exception {
        Path file = Files.writeString(dir.resolve("typo.yaml"), "kafka:\n  bootstrapServer: x:9092\n");
        var e = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
        assertThat(e.problems()).singleElement().asString().startsWith("kafka.bootstrapServer: is not a setting").contains("bootstrapServers");
    }

    @Test
    void wrongValuesAreNamedWithTheRule() {
        var e = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("HEOMDM_HTTP_PORT", "70000", "HEOMDM_KAFKA_REPLICATION_FACTOR", "3", "HEOMDM_DATABASE_URL", "jdbc:mysql://x",
                        "HEOMDM_KAFKA_DEDUPLICATION_DAYS", "0")));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "http.port: must be between 0 and 65535, was 70000",
                "kafka.deduplicationDays: must be between 1 and 3653, was 0",
                "kafka.replicationFactor: must be 1 with the embedded single broker (set kafka.bootstrapServers for a cluster)",
                "kafka.minInsyncReplicas: must be at least 2 with replicationFactor 3 (with 1, a write acknowledged by one broker is lost with it)",
                "database.url: must be a jdbc:postgresql: or jdbc:h2: URL, or empty for the embedded H2 database");
        var badUrl = catchThrowableOfType(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("HEOMDM_NOTIFICATIONS_SMS_WEBHOOK", "sms-gateway:80")));
        assertThat(badUrl.problems()).containsExactly("notifications.smsWebhook: must be an http(s) URL, or empty");
        // a value of the wrong kind stops the binding: it is named alone, before the rules
        var notOneOfThem = catchThrowableOfType(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("HEOMDM_TASKS_TRANSPORT", "rabbitmq")));
        assertThat(notOneOfThem.problems()).containsExactly("tasks.transport: must be one of sqs, kafka-share, was rabbitmq");
        var notANumber = catchThrowableOfType(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("HEOMDM_HTTP_PORT", "eighty")));
        assertThat(notANumber.problems()).singleElement().asString().startsWith("http.port: ");
        var unsafe = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("HEOMDM_KAFKA_BOOTSTRAP_SERVERS", "k1:9092", "HEOMDM_KAFKA_REPLICATION_FACTOR", "3")));
        assertThat(unsafe.problems()).containsExactly(
                "kafka.minInsyncReplicas: must be at least 2 with replicationFactor 3 (with 1, a write acknowledged by one broker is lost with it)");
        // standby copies mean a second instance, which cannot reach this process's embedded servers
        var standbysOnEmbedded = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("HEOMDM_KAFKA_STANDBY_REPLICAS", "1", "HEOMDM_SQS_ENDPOINT", "http://sqs:9324")));
        assertThat(standbysOnEmbedded.problems()).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactly("kafka.bootstrapServers", "database.url");
        assertThat(standbysOnEmbedded.problems()).allSatisfy(p -> assertThat(p).endsWith(
                ": must be set when kafka.standbyReplicas is above 0 (instances share their servers; see docs/configuration.md, two or more instances)"));
    }

    @Test
    void segmentRulesAreReadFromTheFileAndEachMistakeIsNamedByItsPath() throws Exception {
        Path good = Files.writeString(dir.resolve("segments.yaml"), """
                analytics:
                  rfmCuts: {recencyDays: [7, 14, 30, 60], frequency: [1, 2, 4, 8], monetary: [20, 50, 100, 200]}
                  segments:
                    lapsed-buyers:
                      and:
                        - {property: orderCount, op: gte, value: 1}
                        - {pastEvent: {type: OrderPlaced, days: 30, notOccurred: true}}
                    lapsed-vip:
                      and: [{inSegment: lapsed-buyers}, {property: revenue, op: gt, value: 500}]
                """);
        HeomdmConfig c = ConfigLoader.load(Optional.of(good), Map.of());
        assertThat(c.analytics().catalog().names()).containsExactly("lapsed-buyers", "lapsed-vip");
        assertThat(c.analytics().settings().fixedCuts()).hasValueSatisfying(cuts -> assertThat(cuts.frequency()).containsExactly(1.0, 2.0, 4.0, 8.0));

        Path bad = Files.writeString(dir.resolve("bad-segments.yaml"), """
                analytics:
                  segments:
                    recent: {pastEvent: {type: OrderPlaced, days: -3}}
                    vip: {inSegment: whales}
                    Champions: {property: orderCount, op: gt, value: 10}
                """);
        var e = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(bad), Map.of()));
        assertThat(e.problems()).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("analytics.segments.recent.pastEvent.days: "));
        assertThat(e.problems()).noneMatch(p -> p.startsWith("analytics.segments.vip")).as("the catalogue is checked once the rules parse");
    }

    @Test
    void priceTestsAreReadFromTheFileAndEachMistakeIsNamed() throws Exception {
        Path good = Files.writeString(dir.resolve("tests.yaml"), """
                decisions:
                  pricing:
                    tests:
                      kettle-price: {productId: p-17, prices: [18.99, 21.99], startsAt: "2026-12-01T00:00:00Z"}
                """);
        var tests = ConfigLoader.load(Optional.of(good), Map.of()).decisions().pricing().priceTests();
        assertThat(tests).singleElement().satisfies(t -> {
            assertThat(t.testId()).isEqualTo("kettle-price");
            assertThat(t.prices()).containsExactly(new java.math.BigDecimal("18.99"), new java.math.BigDecimal("21.99"));
            assertThat(t.startsAt()).isEqualTo(java.time.Instant.parse("2026-12-01T00:00:00Z"));
        });

        Path bad = Files.writeString(dir.resolve("bad-tests.yaml"), """
                decisions:
                  pricing:
                    tests:
                      one-arm: {productId: p-17, prices: [18.99], startsAt: "next week"}
                """);
        var e = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(bad), Map.of()));
        assertThat(e.problems()).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("decisions.pricing.tests.one-arm.prices: "))
                .anySatisfy(p -> assertThat(p).startsWith("decisions.pricing.tests.one-arm.startsAt: "));
    }

    @Test
    void journeysAreReadFromTheFileBesideTheBuiltInOnesAndEachMistakeIsNamed() throws Exception {
        Path good = Files.writeString(dir.resolve("journeys.yaml"), """
                campaigns:
                  winBack: {enabled: false}
                  journeys:
                    browse-abandonment:
                      entry: {event: ProductViewed, condition: {field: category, op: eq, value: shoes}}
                      exitOn: [CartItemAdded, OrderPlaced]
                      steps:
                        - {delayMinutes: 120}
                        - {id: nudge, message: {channel: email, template: cart-reminder}}
                        - {waitFor: {event: ProductViewed, timeoutMinutes: 1440, onEvent: done, onTimeout: half}}
                        - {id: half, split: {percent: 50, then: sms, else: done}}
                        - {id: sms, message: {channel: sms, template: cart-reminder}}
                        - {id: done, exit: true}
                """);
        var settings = ConfigLoader.load(Optional.of(good), Map.of()).campaigns().settings();
        assertThat(settings.journeys()).extracting(j -> j.id()).containsExactly("cart-abandonment", "price-drop", "browse-abandonment");
        assertThat(settings.gate().quietFrom()).isEqualTo(java.time.LocalTime.of(21, 0));

        Path bad = Files.writeString(dir.resolve("bad-journeys.yaml"), """
                campaigns:
                  gate: {quietFrom: "25:00", caps: [{channel: email, max: -1, windowHours: 24}]}
                  journeys:
                    broken:
                      entry: {segment: VIP}
                      steps: [{waitFor: {segment: VIP, timeoutMinutes: 60, onEvent: nowhere, onTimeout: step-1}}]
                """);
        var e = catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(bad), Map.of()));
        assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactlyInAnyOrder(
                "campaigns.gate.caps[0].max", "campaigns.gate.quietFrom", "campaigns.journeys.broken.steps[0].waitFor.onEvent");
        Path fax = Files.writeString(dir.resolve("fax.yaml"), "campaigns:\n  gate: {caps: [{channel: fax, max: 1, windowHours: 24}]}\n");
        assertThat(catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(fax), Map.of())).problems())
                .containsExactly("campaigns.gate.caps[0].channel: must be one of all, email, sms, push, was fax");
    }

    @Test
    void aSectionSetToNullOrAnUnknownMapKeyIsNamedNotAnError() throws Exception {
        Path nulls = Files.writeString(dir.resolve("nulls.yaml"), "campaigns:\n  gate: null\ndecisions:\n  pricing: null\n");
        assertThat(catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(nulls), Map.of())).problems())
                .as("the rules across settings are not run on what is missing").containsExactlyInAnyOrder(
                        "campaigns.gate: must be set", "decisions.pricing: must be set");
        Path fax = Files.writeString(dir.resolve("fax-cost.yaml"), "campaigns:\n  costs: {perMessage: {fax: 0.10}}\n");
        assertThat(catchThrowableOfType(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Optional.of(fax), Map.of())).problems())
                .singleElement().asString().startsWith("campaigns.costs.perMessage").contains("must be one of email, sms, push").contains("fax");
        // a YAML file's .nan is refused by the reader; the environment's "NaN" becomes a number, which no range holds
        assertThat(catchThrowableOfType(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("HEOMDM_ANALYTICS_DEMAND_ALPHA", "NaN"))).problems())
                .singleElement().asString().startsWith("analytics.demand.alpha: ");
    }

    @Test
    void aVariableThatNamesNoSettingIsFoundSoItCanBeReported() {
        assertThat(ConfigLoader.unknownVariables(Set.of("HEOMDM_CRM_SIGNINGSECRET", "HEOMDM_CRM_SIGNING_SECRET", "HEOMDM_JAVA_OPTS",
                "HEOMDM_TEST_POSTGRES_URL", "PATH"), Set.of("HEOMDM_CRM_SIGNING_SECRET"))).containsExactly("HEOMDM_CRM_SIGNINGSECRET");
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertThat(ConfigLoader.snake("bootstrapServers")).isEqualTo("BOOTSTRAP_SERVERS");
        assertThat(ConfigLoader.snake("ackTimeoutMs")).isEqualTo("ACK_TIMEOUT_MS");
    }
}
