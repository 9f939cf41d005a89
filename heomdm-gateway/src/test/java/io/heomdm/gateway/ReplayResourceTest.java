package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ReplayResourceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    /** Takes a rebuild and leaves it running, as a real one is for a while. */
    static final class StartedRebuilds implements Rebuilds {
        final Map<String, RebuildStatus> started = new ConcurrentHashMap<>();

        @Override
        public List<String> services() {
            return List.of("customers", "demand");
        }

        @Override
        public Optional<RebuildStatus> start(String service, Optional<Instant> from) {
            if (started.containsKey(service)) {
                throw new AlreadyRebuilding(service);
            }
            var status = new RebuildStatus(service, RebuildStatus.RESETTING, from.orElse(null), Instant.parse("2026-12-06T12:00:00Z"), null, 0, 0, null);
            started.put(service, status);
            return Optional.of(status);
        }

        @Override
        public Optional<RebuildStatus> status(String service) {
            return Optional.ofNullable(started.get(service));
        }
    }

    @Test
    void anAdminStartsARebuildFollowsItAndCannotStartItTwiceAndOnlyAnAdminMay() throws Exception {
        var rebuilds = new StartedRebuilds();
        try (var nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "replay-test");
                var gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4), withRebuilds(TestBackends.with(nowhere), rebuilds),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3))) {
            assertThat(JSON.readTree(call(gateway, "GET", "/v1/replay/rebuilds", TestBackends.ADMIN).body()).get("services").toString())
                    .isEqualTo("[\"customers\",\"demand\"]");
            assertThat(call(gateway, "GET", "/v1/replay/rebuilds/customers", TestBackends.ADMIN).statusCode()).as("never rebuilt").isEqualTo(404);
            assertThat(call(gateway, "POST", "/v1/replay/rebuilds/customers", TestBackends.READER).statusCode()).isEqualTo(403);

            var badFrom = call(gateway, "POST", "/v1/replay/rebuilds/customers?from=yesterday", TestBackends.ADMIN);
            assertThat(badFrom.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badFrom.body()).get("errors").findValuesAsText("field")).containsExactly("from");
            var unknown = call(gateway, "POST", "/v1/replay/rebuilds/payments", TestBackends.ADMIN);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).get("detail").asText()).contains("customers, demand");

            var started = call(gateway, "POST", "/v1/replay/rebuilds/customers?from=2026-12-01T00:00:00Z", TestBackends.ADMIN);
            assertThat(started.statusCode()).isEqualTo(202);
            assertThat(started.headers().firstValue("Location")).hasValue("/v1/replay/rebuilds/customers");
            assertThat(JSON.readTree(started.body()).get("from").asText()).isEqualTo("2026-12-01T00:00:00Z");
            assertThat(JSON.readTree(call(gateway, "GET", "/v1/replay/rebuilds/customers", TestBackends.ADMIN).body()).get("state").asText())
                    .isEqualTo("RESETTING");
            var again = call(gateway, "POST", "/v1/replay/rebuilds/customers", TestBackends.ADMIN);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(TestBackends.AUDITED).contains("admin replay.rebuild customers from 2026-12-01T00:00:00Z")
                    .noneMatch(a -> a.contains("payments") || a.contains("yesterday"));
        }
    }

    /** Accepts a copy from market.activity.v1 only, and leaves it running. */
    static final class StartedCopies implements EventCopies {
        @Override
        public List<io.heomdm.events.Violation> check(CopyRequest request) {
            return "market.activity.v1".equals(request.topic()) ? List.of() : List.of(new io.heomdm.events.Violation("topic", "must be a platform topic"));
        }

        @Override
        public CopyStatus start(CopyRequest request) {
            return new CopyStatus("c-1", request, "RUNNING", Instant.parse("2026-12-06T12:00:00Z"), null, 10, 0, 0, 0, null);
        }

        @Override
        public Optional<CopyStatus> status(String id) {
            return id.equals("c-1") ? Optional.of(start(null)) : Optional.empty();
        }
    }

    @Test
    void aCopyIsCheckedWholeBeforeItStartsAndThenFollowedAtItsLocation() throws Exception {
        try (var nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "replay-test");
                var gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4), withCopies(TestBackends.with(nowhere),
                        new StartedCopies()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3))) {
            var notAnObject = post(gateway, "/v1/replay/copies", "[1]");
            assertThat(notAnObject.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(notAnObject.body()).get("errors").findValuesAsText("field")).containsExactly("body");
            var wrong = post(gateway, "/v1/replay/copies", "{\"topic\":\"x\",\"from\":\"monday\",\"dryRun\":\"yes\",\"colour\":1}");
            assertThat(JSON.readTree(wrong.body()).get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("colour", "from", "dryRun", "topic");
            var started = post(gateway, "/v1/replay/copies", "{\"topic\":\"market.activity.v1\",\"toTopic\":\"sandbox\",\"type\":\"OrderPlaced\"}");
            assertThat(started.statusCode()).isEqualTo(202);
            assertThat(started.headers().firstValue("Location")).hasValue("/v1/replay/copies/c-1");
            assertThat(call(gateway, "GET", "/v1/replay/copies/c-1", TestBackends.ADMIN).statusCode()).isEqualTo(200);
            assertThat(call(gateway, "GET", "/v1/replay/copies/c-2", TestBackends.ADMIN).statusCode()).isEqualTo(404);
            assertThat(TestBackends.AUDITED).contains("admin replay.copy market.activity.v1 -> sandbox").noneMatch(a -> a.contains("monday"));
        }
    }

    private static Backends withCopies(Backends b, EventCopies copies) {
        return new Backends(b.ingestion(), b.publisher(), b.customers(), b.analytics(), b.decisions(), b.journeys(), b.reports(), b.health(), b.keys(),
                b.keyAdmin(), b.audit(), b.deadLetters(), Rebuilds.NONE, copies, "");
    }

    private HttpResponse<String> post(Gateway g, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).header("Authorization", "Bearer " + TestBackends.ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Backends withRebuilds(Backends b, Rebuilds rebuilds) {
        return new Backends(b.ingestion(), b.publisher(), b.customers(), b.analytics(), b.decisions(), b.journeys(), b.reports(), b.health(), b.keys(),
                b.keyAdmin(), b.audit(), b.deadLetters(), rebuilds, EventCopies.NONE, "");
    }

    private HttpResponse<String> call(Gateway g, String method, String path, String key) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).header("Authorization", "Bearer " + key)
                .method(method, HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
