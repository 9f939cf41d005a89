package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route the server registers — read from the router, so a new route cannot be left out —
 * answers 401 without a key, 403 with a key lacking its scope, and neither with the right one.
 */
class GatewayAuthTest {
    /** For each scope, a key that does not grant it. */
    static final Map<Scope, String> LACKING = Map.of(Scope.EVENTS_WRITE, TestBackends.READER, Scope.READ, TestBackends.SHOP,
            Scope.PII_READ, TestBackends.READER, Scope.ADMIN, TestBackends.PII_READER);
    /** For each scope, the narrowest key that grants it. */
    static final Map<Scope, String> GRANTING = Map.of(Scope.EVENTS_WRITE, TestBackends.SHOP, Scope.READ, TestBackends.READER,
            Scope.PII_READ, TestBackends.PII_READER, Scope.ADMIN, TestBackends.ADMIN);
    static KafkaEventPublisher nowhere;
    static Gateway gateway;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "auth-test");
        // every route is called with an unknown key: more than an address may send a minute
        gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4)
                .withLimits(GatewaySettings.Limits.defaults().withFailedKeys(100_000)), TestBackends.with(nowhere),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        nowhere.close();
    }

    @Test
    void everyRouteDeclaresExactlyOneScope() {
        assertThat(gateway.routes()).hasSizeGreaterThanOrEqualTo(20);
        for (ParsedEndpoint e : gateway.routes()) {
            var roles = e.endpoint.metadata(Roles.class);
            assertThat(roles).as(e.endpoint.method + " " + e.endpoint.path).isNotNull();
            assertThat(roles.getRoles()).as(e.endpoint.method + " " + e.endpoint.path).hasSize(1).allMatch(r -> r instanceof Scope);
        }
    }

    @Test
    void everyRouteIsRefusedWithoutItsScopeAndAnsweredWithIt() throws Exception {
        int checked = 0;
        for (ParsedEndpoint e : gateway.routes()) {
            Scope scope = (Scope) e.endpoint.metadata(Roles.class).getRoles().iterator().next();
            String route = e.endpoint.method + " " + e.endpoint.path;
            if (scope == Scope.PUBLIC) {
                assertThat(call(e, null).statusCode()).as(route).isNotIn(401, 403);
                checked++;
                continue;
            }
            var anonymous = call(e, null);
            assertThat(anonymous.statusCode()).as(route + " without a key").isEqualTo(401);
            assertThat(anonymous.headers().firstValue("Content-Type")).as(route).hasValue("application/problem+json");
            assertThat(call(e, "hk_not-a-key").statusCode()).as(route + " with an unknown key").isEqualTo(401);
            assertThat(call(e, LACKING.get(scope)).statusCode()).as(route + " without " + scope.label()).isEqualTo(403);
            assertThat(call(e, GRANTING.get(scope)).statusCode()).as(route + " with " + scope.label()).isNotIn(401, 403);
            checked++;
        }
        assertThat(checked).isEqualTo(gateway.routes().size());
    }

    private HttpResponse<String> call(ParsedEndpoint e, String key) throws Exception {
        String path = e.endpoint.path.replaceAll("\\{[^}]+}", "x");
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").method(e.endpoint.method.name(), HttpRequest.BodyPublishers.ofString("{}"));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
