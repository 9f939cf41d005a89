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

    private static Backends withRebuilds(Backends b, Rebuilds rebuilds) {
        return new Backends(b.ingestion(), b.publisher(), b.customers(), b.analytics(), b.decisions(), b.journeys(), b.health(), b.keys(),
                b.keyAdmin(), b.audit(), b.deadLetters(), rebuilds, "");
    }

    private HttpResponse<String> call(Gateway g, String method, String path, String key) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).header("Authorization", "Bearer " + key)
                .method(method, HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
