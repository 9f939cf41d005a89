package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

    static Gateway gateway(KafkaEventPublisher publisher, int maxBody, int maxItems) {
        return gateway(GatewaySettings.local(0, maxBody, maxItems, Duration.ofSeconds(2), 4), publisher);
    }

    static Gateway gateway(GatewaySettings settings, KafkaEventPublisher publisher) {
        return new Gateway(settings, TestBackends.with(publisher), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(2));
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
    void anIdempotencyKeyNamesTheEventAndAnEventIdReusedForAnotherEventIs409() throws Exception {
        var first = post(gateway, "application/json", ORDER, Map.of("Idempotency-Key", "order-o-1-attempt"));
        var again = post(gateway, "application/json", ORDER, Map.of("Idempotency-Key", "order-o-1-attempt"));
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).as("a retry: written again, counted once downstream").isEqualTo(202);
        String eventId = JSON.readTree(first.body()).get("eventId").asText();
        assertThat(JSON.readTree(again.body()).get("eventId").asText()).as("the same key, the same eventId").isEqualTo(eventId);

        long before = activityRecords();
        var other = post(gateway, "application/json", ORDER.replace("\"total\":", "\"total\":1"), Map.of("Idempotency-Key", "order-o-1-attempt"));
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(other.body()).get("errors").get(0).get("rule").asText()).contains(eventId);
        assertThat(activityRecords()).as("nothing written").isEqualTo(before);

        assertThat(post(gateway, "application/json", ORDER, Map.of("Idempotency-Key", "k".repeat(256))).statusCode()).isEqualTo(400);
        assertThat(post(gateway, "application/json", ORDER.replace("{\"type\"", "{\"eventId\":\"" + eventId + "\",\"type\""),
                Map.of("Idempotency-Key", "order-o-1-attempt")).statusCode()).as("a key and an eventId: which names it?").isEqualTo(400);
        var batch = post(gateway, "application/x-ndjson", ORDER, Map.of("Idempotency-Key", "k"));
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(batch.body()).get("errors").get(0).get("field").asText()).isEqualTo("Idempotency-Key");
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
        var health = http.send(HttpRequest.newBuilder(uri(gateway, "/health")).header("Authorization", "Bearer " + TestBackends.READER).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("checks").get("kafka").asText()).isEqualTo("UP");
        var bare = http.send(HttpRequest.newBuilder(uri(gateway, "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(bare.body()).has("checks")).isFalse();
        var metrics = http.send(HttpRequest.newBuilder(uri(gateway, "/metrics")).header("Authorization", "Bearer " + TestBackends.READER).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("heomdm_gateway_events_total{outcome=\"accepted\"}");
        assertThat(http.send(HttpRequest.newBuilder(uri(gateway, "/nope")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        var get = http.send(HttpRequest.newBuilder(uri(gateway, "/v1/events")).header("Authorization", "Bearer " + TestBackends.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void numbersPastTheirRangeAndNegativeAmountsAreNamedNeverADroppedConnection() throws Exception {
        long before = activityRecords();
        for (String total : List.of("1e400", "-1", "1e999999999", "-1e400")) {
            var r = post(gateway, "application/json", ORDER.replace("\"total\":10", "\"total\":" + total), Map.of());
            assertThat(r.statusCode()).as(total).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("errors").get(0).get("field").asText()).as(total).isEqualTo("data.total");
        }
        var quantity = post(gateway, "application/json", ORDER.replace("\"quantity\":1", "\"quantity\":-3"), Map.of());
        assertThat(JSON.readTree(quantity.body()).get("errors").get(0).get("field").asText()).isEqualTo("data.lines[0].quantity");
        var farFuture = post(gateway, "application/json", ORDER.replace("{\"type\"", "{\"occurredAt\":\"+1000000000-01-01T00:00:00Z\",\"type\""), Map.of());
        assertThat(farFuture.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(farFuture.body()).get("errors").get(0).get("field").asText()).isEqualTo("occurredAt");
        assertThat(activityRecords()).isEqualTo(before);
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() throws Exception {
        byte[] order = ORDER.replace("c-1", "c-\u0000X").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < order.length; i++) {
            if (order[i] == 0) {
                order[i] = (byte) 0xC3; // a lone lead byte: not UTF-8
            }
        }
        var r = post(gateway, "application/json", HttpRequest.BodyPublishers.ofByteArray(order), Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("type").asText()).endsWith("/invalid-encoding");
    }

    @Test
    void aShopKeyMayNotPostCampaignsOrSuppressions() throws Exception {
        long before = activityRecords();
        var r = post(gateway, "application/x-ndjson", ORDER + "\n{\"type\":\"CustomerSuppressed\",\"data\":{\"customerId\":\"c-1\",\"reason\":\"x\",\"suppressed\":false}}",
                Map.of());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).get("errors").get(0).get("item").asInt()).isEqualTo(1);
        assertThat(activityRecords()).isEqualTo(before);
    }

    @Test
    void jettysOwnRefusalsAreProblemsAndForeignHostsAreRefused() throws Exception {
        for (String raw : List.of("GET /v1/customers/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")) {
            String answer = rawRequest(gateway, raw);
            assertThat(answer).as(raw.substring(0, 30)).startsWith("HTTP/1.1 4").contains("application/problem+json").doesNotContain("<html");
        }
        for (String path : List.of("/v1/products/;%/price", "/v1/customers/c%C3%28/messages", "/v1/products/p-1/price?customerId=%zz")) {
            String answer = rawRequest(gateway, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestBackends.ADMIN
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("application/problem+json");
        }
        var foreign = http.send(HttpRequest.newBuilder(uri(gateway, "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(200);
        String rebound = rawRequest(gateway, "GET /health HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 421").doesNotContain("Access-Control-Allow-Origin");
    }

    @Test
    void aPathParameterIsDecodedExactlyOnce() throws Exception {
        var r = http.send(HttpRequest.newBuilder(uri(gateway, "/v1/customers/a%2525b/messages")).header("Authorization", "Bearer " + TestBackends.ADMIN)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("customerId").asText()).isEqualTo("a%25b");
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfterAndRecovers() throws Exception {
        var limits = GatewaySettings.Limits.defaults().withRate(1, 2);
        try (var g = gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofSeconds(2), 4).withLimits(limits), publisher)) {
            List<Integer> statuses = new java.util.ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 3; i++) {
                last = post(g, "application/json", ORDER, Map.of());
                statuses.add(last.statusCode());
            }
            assertThat(statuses).containsExactly(202, 202, 429);
            assertThat(last.headers().firstValue("Retry-After")).hasValue("1");
            // the bucket refills one token a second: accepted again within that, never before a token is back
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(g, "application/json", ORDER, Map.of()).statusCode() == 202);
        }
    }

    @Test
    void anAddressGuessingKeysGets429AfterItsInvalidKeysOfTheMinute() throws Exception {
        var limits = GatewaySettings.Limits.defaults().withFailedKeys(3);
        try (var g = gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofSeconds(2), 4).withLimits(limits), publisher)) {
            List<Integer> statuses = new java.util.ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 5; i++) {
                last = http.send(HttpRequest.newBuilder(uri(g, "/v1/journeys")).header("Authorization", "Bearer hk_guess_" + i).build(),
                        HttpResponse.BodyHandlers.ofString());
                statuses.add(last.statusCode());
            }
            assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
            assertThat(JSON.readTree(last.body()).get("type").asText()).endsWith("too-many-failed-keys");
            assertThat(last.headers().firstValue("Retry-After")).isPresent();
            var bare = http.send(HttpRequest.newBuilder(uri(g, "/v1/journeys")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bare.statusCode()).as("no key is not a guess").isEqualTo(401);
        }
    }

    @Test
    void slowClientsDoNotBlockOthers() throws Exception {
        var limits = GatewaySettings.Limits.defaults().withBodyTimeout(Duration.ofSeconds(2)).withQueue(2, Duration.ofSeconds(1));
        try (var g = gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofSeconds(2), 2).withLimits(limits), publisher)) {
            List<java.net.Socket> slow = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    var s = new java.net.Socket("127.0.0.1", g.port());
                    // half of them stall in their headers, half in a body they promised
                    String head = i % 2 == 0 ? "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestBackends.SHOP
                            + "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{" : "GET /health HTTP/1.1\r\nHost: 127";
                    s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                // the stalled bodies hold both request threads: an ordinary request waits its second in the queue, then 503
                await().atMost(Duration.ofSeconds(5)).until(() -> post(g, "application/json", ORDER, Map.of()).statusCode() == 503);
                long t = System.nanoTime();
                var health = http.send(HttpRequest.newBuilder(uri(g, "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(1));
                // a stalled body frees its thread after the body timeout: then ordinary requests get through again
                await().atMost(Duration.ofSeconds(6)).until(() -> post(g, "application/json", ORDER, Map.of()).statusCode() == 202);
            } finally {
                for (var s : slow) {
                    s.close();
                }
            }
        }
    }

    private static String rawRequest(Gateway g, String request) throws Exception {
        try (var s = new java.net.Socket("127.0.0.1", g.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] buf = new byte[8192];
            int n = s.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private HttpResponse<String> post(Gateway g, String contentType, String body, Map<String, String> headers) throws Exception {
        return post(g, contentType, HttpRequest.BodyPublishers.ofString(body), headers);
    }

    private HttpResponse<String> post(Gateway g, String contentType, HttpRequest.BodyPublisher body, Map<String, String> headers) throws Exception {
        var b = HttpRequest.newBuilder(uri(g, "/v1/events")).header("Content-Type", contentType).header("Authorization", "Bearer " + TestBackends.SHOP)
                .POST(body);
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
