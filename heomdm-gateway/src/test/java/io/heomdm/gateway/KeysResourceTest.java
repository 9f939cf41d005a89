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
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeysResourceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anAdminCreatesListsAndRevokesKeysAndEachActionIsAudited() throws Exception {
        try (var nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "keys-test");
                var gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4), TestBackends.with(nowhere),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3))) {
            var invalid = call(gateway, "POST", "/v1/keys", "{\"name\":\"\",\"scopes\":[\"root\"],\"eventTypes\":[\"SendNotification\"],\"expiresInDays\":0}");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(invalid.body()).get("errors").findValuesAsText("field"))
                    .containsExactly("name", "scopes[0]", "eventTypes[0]", "expiresInDays");

            var created = call(gateway, "POST", "/v1/keys", "{\"name\":\"shop\",\"scopes\":[\"events:write\"],\"eventTypes\":[\"OrderPlaced\"],\"expiresInDays\":30}");
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
            var body = JSON.readTree(created.body());
            assertThat(body.get("key").asText()).startsWith("hk_");
            String id = body.get("id").asText();
            assertThat(JSON.readTree(call(gateway, "GET", "/v1/keys", null).body()).get("keys").findValuesAsText("id")).contains(id);
            assertThat(call(gateway, "GET", "/v1/keys", null).body()).as("a listing never holds a secret").doesNotContain("hk_");
            assertThat(call(gateway, "DELETE", "/v1/keys/" + id, null).statusCode()).isEqualTo(204);
            assertThat(call(gateway, "DELETE", "/v1/keys/" + id, null).statusCode()).isEqualTo(404);
            assertThat(TestBackends.AUDITED).contains("admin key.create " + id, "admin key.revoke " + id);
        }
    }

    private HttpResponse<String> call(Gateway g, String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).header("Authorization", "Bearer " + TestBackends.ADMIN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
