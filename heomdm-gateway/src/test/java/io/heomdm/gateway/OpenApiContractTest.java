package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.javalin.security.Roles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the server agree: the same routes, both ways, each with the same scope; the document is valid and served. */
class OpenApiContractTest {
    static KafkaEventPublisher nowhere;
    static Gateway gateway;
    static OpenAPI api;

    @BeforeAll
    static void start() {
        nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "openapi-test");
        gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4), TestBackends.with(nowhere),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3));
        var result = new OpenAPIV3Parser().readContents(new String(OperationsResource.resource(OperationsResource.OPENAPI), StandardCharsets.UTF_8));
        assertThat(result.getMessages()).as("the document parses without a complaint").isEmpty();
        api = result.getOpenAPI();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        nowhere.close();
    }

    @Test
    void theDocumentIsOpenApi31() {
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getComponents().getSecuritySchemes()).containsKey("apiKey");
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExistsWithTheSameScope() {
        Map<String, String> served = new TreeMap<>();
        gateway.routes().forEach(e -> served.put(e.endpoint.method.name() + " " + e.endpoint.path,
                ((Scope) e.endpoint.metadata(Roles.class).getRoles().iterator().next()).label()));
        Map<String, String> documented = new TreeMap<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
                documented.put(method.name() + " " + path, String.valueOf(op.getExtensions() == null ? null : op.getExtensions().get("x-scope")))));
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void everyOperationDocumentsItsFailures() {
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            Set<String> codes = op.getResponses().keySet();
            String scope = String.valueOf(op.getExtensions().get("x-scope"));
            if (!scope.equals("public")) {
                assertThat(codes).as(method + " " + path).contains("401", "403", "429");
            }
            if (op.getRequestBody() != null || path.contains("{")) {
                assertThat(codes).as(method + " " + path + " takes input").contains("400");
            }
        }));
    }

    @Test
    void theDocumentAndItsBrowsableDocsAreServed() throws Exception {
        var http = HttpClient.newHttpClient();
        var yaml = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/openapi.yaml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).startsWith("openapi: 3.1.0");
        var docs = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(docs.body()).contains("/openapi.yaml").contains("swagger-ui-bundle.js");
        var bundle = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/docs/swagger-ui-bundle.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body().length()).isGreaterThan(100_000);
        var outside = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/docs/..%2F..%2Fopenapi.yaml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(outside.statusCode()).isIn(400, 404);
        assertThat(outside.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
