package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the server agree: the same routes, both ways, each with the same scope;
 * every example is valid against its schema and real answers against theirs; the document is valid and served.
 */
class OpenApiContractTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
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
        var noCatalogue = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/catalog")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noCatalogue.statusCode()).as("this gateway was given no catalogue").isEqualTo(404);
        assertThat(noCatalogue.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void everyExampleInTheDocumentIsValidAgainstItsSchema() throws Exception {
        JsonNode document = YAML.readTree(OperationsResource.resource(OperationsResource.OPENAPI));
        List<String> checked = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        examples(document, "", document.get("components"), checked, broken);
        assertThat(checked).as("examples checked").hasSizeGreaterThanOrEqualTo(4);
        assertThat(broken).as("examples that break their schema").isEmpty();
    }

    @Test
    void whatTheServerAnswersIsWhatTheDocumentSays() throws Exception {
        JsonNode document = YAML.readTree(OperationsResource.resource(OperationsResource.OPENAPI));
        JsonNode problem = document.at("/components/schemas/Problem");
        JsonNode health = document.at("/paths/~1health/get/responses/200/content/application~1json/schema");
        var http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gateway.port();
        var answers = Map.of(
                "GET /health", http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()),
                "POST /v1/events without a key", http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()),
                "POST /v1/events, a negative total", http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                        .header("Authorization", "Bearer " + TestBackends.SHOP).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"type":"OrderPlaced","data":{"customerId":"c-1","orderId":"o-1","total":-1,"currency":"EUR",\
                                "lines":[{"productId":"p-1","quantity":1,"unitPrice":10}]}}""")).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(answers.get("GET /health").statusCode()).isEqualTo(200);
        assertThat(violations(health, document.get("components"), answers.get("GET /health").body())).isEmpty();
        assertThat(answers.get("POST /v1/events without a key").statusCode()).isEqualTo(401);
        assertThat(answers.get("POST /v1/events, a negative total").statusCode()).isEqualTo(400);
        for (String request : List.of("POST /v1/events without a key", "POST /v1/events, a negative total")) {
            assertThat(violations(problem, document.get("components"), answers.get(request).body())).as(request).isEmpty();
        }
    }

    /** Every media type in the document with both a schema and an example: the example checked against the schema. */
    private static void examples(JsonNode node, String at, JsonNode components, List<String> checked, List<String> broken) throws Exception {
        if (node.isObject() && node.has("schema") && node.has("example")) {
            checked.add(at);
            violations(node.get("schema"), components, JSON.writeValueAsString(node.get("example"))).forEach(v -> broken.add(at + ": " + v));
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (field.getValue().isContainerNode()) {
                examples(field.getValue(), at + "/" + field.getKey(), components, checked, broken);
            }
        }
    }

    /** A value checked against a schema of the document (JSON Schema 2020-12, as OpenAPI 3.1 has it), its references resolved in the document's components. */
    private static List<String> violations(JsonNode schema, JsonNode components, String value) throws Exception {
        ObjectNode rooted = schema.deepCopy();
        rooted.set("components", components);
        var compiled = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.writeValueAsString(rooted), InputFormat.JSON);
        return compiled.validate(value, InputFormat.JSON).stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).toList();
    }
}
