package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.EventIds;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ORDER = "{\"type\":\"OrderPlaced\",\"data\":{\"customerId\":\"c-1\",\"orderId\":\"o-1\",\"total\":10,"
            + "\"lines\":[{\"productId\":\"p\",\"quantity\":1,\"unitPrice\":10}]}}";
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaEventPublisher publisher;
    static Gateway gateway;
    static Admin admin;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir, 0);
        var settings = KafkaSettings.singleBroker(kafka.bootstrapServers());
        TopicAdmin.ensure(settings, MarketTopics.all());
        publisher = new KafkaEventPublisher(settings, "gateway-it");
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        gateway = gateway(publisher, 10_000, 5);
    }

    static final CustomerQueries NO_CUSTOMERS = new CustomerQueries() {
        @Override
        public List<io.heomdm.storage.CustomerMessages.CustomerMessage> messages(String customerId, int limit) {
            return List.of();
        }

        @Override
        public List<io.heomdm.storage.CampaignDeliveries.Delivery> deliveries(String customerId, int limit) {
            return List.of();
        }

        @Override
        public io.heomdm.storage.CampaignDeliveries.Stats campaignStats(String id) {
            return new io.heomdm.storage.CampaignDeliveries.Stats(id, java.util.Map.of(), java.util.Map.of());
        }

        @Override
        public java.util.Optional<io.heomdm.storage.CampaignBudgets.Budget> campaignBudget(String id) {
            return java.util.Optional.empty();
        }
    };

    static Gateway gateway(KafkaEventPublisher publisher, int maxBody, int maxItems) throws Exception {
        return new Gateway(new GatewaySettings("127.0.0.1", 0, maxBody, maxItems, Duration.ofSeconds(2), 4),
                new EventIngestion(new EventIds(InstantSource.system(), new SplittableRandom(1)), InstantSource.system()), publisher,
                NO_CUSTOMERS, AnalyticsQueries.DISABLED, DecisionQueries.DISABLED, JourneyQueries.DISABLED, List.of(HealthCheck.of("kafka", () -> true)), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new SplittableRandom(2));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        publisher.close();
        admin.close();
        kafka.close();
    }

    @Test
    void anAcceptedEventIsOnKafkaWhenTheAnswerComes() throws Exception {
        long before = activityRecords();
        var r = post(gateway, "application/json", ORDER, Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("eventId").asText()).matches("[0-9a-f-]{36}");
        assertThat(body.get("topic").asText()).isEqualTo("market.activity.v1");
        assertThat(activityRecords()).isEqualTo(before + 1);
    }

    @Test
    void aBatchIsAcceptedWhole() throws Exception {
        long before = activityRecords();
        String batch = IntStream.range(0, 3).mapToObj(i -> ORDER).collect(Collectors.joining("\n"));
        var r = post(gateway, "application/x-ndjson; charset=utf-8", batch, Map.of());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(3);
        assertThat(activityRecords()).isEqualTo(before + 3);
    }

    @Test
    void aSchemaViolationIs400NamingTheFieldAndNothingIsPublished() throws Exception {
        long before = activityRecords();
        var r = post(gateway, "application/json", "{\"type\":\"OrderPlaced\",\"data\":{\"customerId\":\"c\",\"orderId\":\"o\",\"total\":\"x\",\"lines\":[]}}", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("data.total");
        assertThat(problem.get("errors").get(0).get("rule").asText()).isEqualTo("must be a decimal number");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(activityRecords()).isEqualTo(before);
    }

    @Test
    void anUnknownTypeIs400() throws Exception {
        var r = post(gateway, "application/json", "{\"type\":\"SendNotification\",\"data\":{}}", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("errors").get(0).get("field").asText()).isEqualTo("type");
    }

    @Test
    void oneBadItemRefusesTheWholeBatchAndSaysWhich() throws Exception {
        long before = activityRecords();
        var r = post(gateway, "application/x-ndjson", ORDER + "\n{\"type\":\"OrderPlaced\"}\n" + ORDER + "\nnot json", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode errors = JSON.readTree(r.body()).get("errors");
        assertThat(errors.findValues("item")).extracting(JsonNode::asInt).containsExactly(1, 3);
        assertThat(activityRecords()).isEqualTo(before);
    }

    @Test
    void anOversizedBodyIs413BeforeParsing() throws Exception {
        long before = activityRecords();
        var r = post(gateway, "application/json", "{" + " ".repeat(20_000) + "}", Map.of());
        assertThat(r.statusCode()).isEqualTo(413);
        String batch = IntStream.range(0, 6).mapToObj(i -> ORDER).collect(Collectors.joining("\n"));
        assertThat(post(gateway, "application/x-ndjson", batch, Map.of()).statusCode()).isEqualTo(413);
        assertThat(activityRecords()).isEqualTo(before);
    }

    @Test
    void aWrongContentTypeIs415() throws Exception {
        long before = activityRecords();
        var r = post(gateway, "text/plain", ORDER, Map.of());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("application/x-ndjson");
        assertThat(activityRecords()).isEqualTo(before);
    }

    @Test
    void anUnacknowledgedWriteIs503WithRetryAfterAndTheEventId() throws Exception {
        var dead = new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(700), (short) 1, 1);
        try (var deadPublisher = new KafkaEventPublisher(dead, "dead"); var g = gateway(deadPublisher, 10_000, 5)) {
            var r = post(g, "application/json", ORDER.replace("{\"type\"", "{\"eventId\":\"01a209ac-eef9-7378-b4c1-1479d9ebef59\",\"type\""), Map.of());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.body()).contains("01a209ac-eef9-7378-b4c1-1479d9ebef59");
        }
    }

    @Test
    void healthMetricsAndUnknownRoutes() throws Exception {
        post(gateway, "application/json", ORDER, Map.of());
        var health = http.send(HttpRequest.newBuilder(uri(gateway, "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("checks").get("kafka").asText()).isEqualTo("UP");
        var metrics = http.send(HttpRequest.newBuilder(uri(gateway, "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("heomdm_gateway_events_total{outcome=\"accepted\"}");
        assertThat(http.send(HttpRequest.newBuilder(uri(gateway, "/nope")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        var get = http.send(HttpRequest.newBuilder(uri(gateway, "/v1/events")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    private HttpResponse<String> post(Gateway g, String contentType, String body, Map<String, String> headers) throws Exception {
        var b = HttpRequest.newBuilder(uri(g, "/v1/events")).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(Gateway g, String path) {
        return URI.create("http://127.0.0.1:" + g.port() + path);
    }

    private static long activityRecords() throws Exception {
        var partitions = IntStream.range(0, MarketTopics.ACTIVITY.partitions())
                .mapToObj(p -> new TopicPartition(MarketTopics.ACTIVITY.name(), p))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(partitions).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
}
