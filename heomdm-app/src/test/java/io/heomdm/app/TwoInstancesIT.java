package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.embedded.EmbeddedSmtp;
import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.storage.Outbox;
import io.heomdm.storage.PostgresSchema;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two platforms on one Kafka, one SQS endpoint, one PostgreSQL and one SMTP server, as docs/configuration.md ("Two or more instances") configures
 * them: events posted to either, every query answered alike on both (each keeps a standby copy of the other's stores),
 * every journey mail sent once although both run outbox relays and workers, and the survivor answering alone when one stops.
 */
@Tag("slow")
class TwoInstancesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CUSTOMERS = 30;
    final HttpClient http = HttpClient.newHttpClient();
    String key;

    @Test
    void twoPlatformsOnOneClusterAnswerEveryQueryAlikeAndSendEachMailOnce(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("heomdm.yaml"), """
                campaigns:
                  tickSeconds: 1
                  cartAbandonment: {enabled: false}
                  gate: {quietFrom: "", quietUntil: ""}
                  journeys:
                    instant-cart:
                      entry: {event: CartItemAdded, condition: {field: productId, op: eq, value: j-1}}
                      exitOn: [OrderPlaced]
                      steps:
                        - {message: {channel: email, template: cart-reminder}}
                """);
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0); var sqs = EmbeddedSqs.start(0, Optional.empty());
                var smtp = EmbeddedSmtp.start(0); var schema = PostgresSchema.create("two_instances")) {
            Map<String, String> shared = Map.of("HEOMDM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "HEOMDM_KAFKA_STANDBY_REPLICAS", "1",
                    "HEOMDM_SQS_ENDPOINT", sqs.endpoint().toString(), "HEOMDM_SQS_ACCESS_KEY", "heomdm", "HEOMDM_SQS_SECRET_KEY", "heomdm",
                    "HEOMDM_DATABASE_URL", schema.jdbcUrl(), "HEOMDM_DATABASE_USER", PostgresSchema.USER,
                    "HEOMDM_SMTP_HOST", smtp.host(), "HEOMDM_SMTP_PORT", String.valueOf(smtp.port()), "HEOMDM_HTTP_PORT", "0");
            try (var a = Platform.start(ConfigLoader.load(Optional.of(config), with(shared, "HEOMDM_DATA_DIR", dir.resolve("a").toString())));
                    var b = Platform.start(ConfigLoader.load(Optional.of(config), with(shared, "HEOMDM_DATA_DIR", dir.resolve("b").toString())))) {
                key = Files.readString(dir.resolve("a").resolve(Edge.ADMIN_KEY_FILE)).trim();
                assertThat(dir.resolve("b").resolve(Edge.ADMIN_KEY_FILE)).as("the keys are the database's: one first key for both").doesNotExist();
                List<Platform> both = List.of(a, b);
                assertThat(post(a, "/v1/segments", "{\"name\": \"repeat\", \"rule\": {\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 2}}")
                        .statusCode()).isEqualTo(201);

                for (String product : List.of("k-1", "k-2", "k-3")) {
                    event(b, "ProductCatalogued", ("{\"productId\":\"%s\",\"name\":\"Kettle\",\"category\":\"kitchen\",\"price\":20.00,"
                            + "\"floor\":10.00,\"ceiling\":30.00,\"cost\":5.00,\"stock\":50}").formatted(product));
                }
                Map<String, Integer> orders = new HashMap<>();
                String noon = java.time.ZoneOffset.ofHours(12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour()).getId();
                for (int i = 0; i < CUSTOMERS; i++) {
                    String c = "t-" + i;
                    Platform to = both.get(i % 2);
                    event(to, "CustomerUpdated", "{\"customerId\":\"%s\",\"email\":\"%s@example.com\",\"timeZone\":\"%s\",\"consent\":{\"email\":true}}"
                            .formatted(c, c, noon));
                    orders.put(c, i % 3 + 1);
                    for (int o = 0; o < i % 3 + 1; o++) {
                        String basket = o % 2 == 0 ? "k-1\",\"k-2" : "k-1\",\"k-3";
                        String lines = String.join(",", List.of(basket.split("\",\"")).stream()
                                .map(p -> "{\"productId\":\"" + p + "\",\"quantity\":1,\"unitPrice\":20.00}").toList());
                        event(both.get((i + o) % 2), "OrderPlaced", "{\"customerId\":\"%s\",\"orderId\":\"%s-%d\",\"total\":40.00,\"lines\":[%s]}"
                                .formatted(c, c, o, lines));
                    }
                    event(both.get((i + 1) % 2), "CartItemAdded", "{\"customerId\":\"%s\",\"productId\":\"j-1\",\"quantity\":1,\"unitPrice\":12.50}"
                            .formatted(c));
                }
                event(a, "ProductViewed", "{\"customerId\":\"t-0\",\"productId\":\"k-1\",\"sessionId\":\"s-t0\"}");
                Set<String> repeat = new TreeSet<>();
                orders.forEach((c, n) -> {
                    if (n >= 2) {
                        repeat.add(c);
                    }
                });

                // every query, on either instance, answers the whole platform's state, not its half
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    for (Platform p : both) {
                        for (var o : orders.entrySet()) {
                            var profile = get(p, "/v1/customers/" + o.getKey());
                            assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
                            assertThat(JSON.readTree(profile.body()).get("orderCount").asInt()).as(o.getKey()).isEqualTo(o.getValue());
                        }
                        assertThat(members(p, "repeat")).isEqualTo(repeat);
                        var answer = get(p, "/v1/products/k-1/related?kind=bought-together");
                        assertThat(answer.statusCode()).as((p == a ? "a: " : "b: ") + answer.body()).isEqualTo(200);
                        JsonNode related = JSON.readTree(answer.body()).get("related");
                        assertThat(related.findValues("together").stream().mapToInt(JsonNode::asInt).sum())
                                .as("every basket with k-1, whichever instance's partitions took it").isEqualTo(orders.values().stream().mapToInt(n -> n).sum());
                    }
                });
                // the scores decay with the time of asking: the same products, from the same source, on both
                for (String field : List.of("productId", "source")) {
                    assertThat(JSON.readTree(get(b, "/v1/customers/t-0/recommendations?n=3").body()).get("recommendations").findValuesAsText(field))
                            .isNotEmpty().isEqualTo(JSON.readTree(get(a, "/v1/customers/t-0/recommendations?n=3").body()).get("recommendations")
                                    .findValuesAsText(field));
                }

                // each cart add became one mail, though both instances relay the outbox and take tasks from the same queue
                int[] last = {-1};
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    int now = smtp.receivedMessages().size();
                    boolean settled = now == last[0] && Outbox.pending(a.database()) == 0;
                    last[0] = now;
                    return settled && now >= CUSTOMERS;
                });
                List<String> recipients = new ArrayList<>();
                for (MimeMessage m : smtp.receivedMessages()) {
                    recipients.add(m.getAllRecipients()[0].toString());
                }
                assertThat(recipients).hasSize(CUSTOMERS).doesNotHaveDuplicates();

                // a rebuild resets the whole consumer group: refused while the service runs on the other instance, which goes on
                assertThat(post(a, "/v1/replay/rebuilds/customers", "").statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(a, "/v1/replay/rebuilds/customers").body()).get("state")
                        .asText().equals("FAILED"));
                assertThat(JSON.readTree(get(a, "/v1/replay/rebuilds/customers").body()).get("error").asText())
                        .contains("also runs on another instance", "stop it on the other instances first");
                assertThat(get(a, "/v1/customers/t-1").statusCode()).as("the refused rebuild left the service running").isEqualTo(200);

                // one instance stops: the other already holds a copy of everything and answers alone
                Map<String, String> before = new HashMap<>();
                for (String c : orders.keySet()) {
                    before.put(c, JSON.readTree(get(b, "/v1/customers/" + c).body()).get("orderCount").asText());
                }
                long stopping = System.nanoTime();
                a.close();
                long stopped = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    for (String c : orders.keySet()) {
                        var profile = get(b, "/v1/customers/" + c);
                        assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
                        assertThat(JSON.readTree(profile.body()).get("orderCount").asText()).isEqualTo(before.get(c));
                    }
                    assertThat(members(b, "repeat")).isEqualTo(repeat);
                });
                System.out.printf("TwoInstancesIT: one instance stopped in %d ms; the survivor answered every query alone %d ms after%n",
                        (stopped - stopping) / 1_000_000, (System.nanoTime() - stopped) / 1_000_000);
            }
        }
    }

    private Set<String> members(Platform p, String segment) throws Exception {
        var page = get(p, "/v1/segments/" + segment + "/members?limit=1000");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Set<String> ids = new TreeSet<>();
        JSON.readTree(page.body()).get("customerIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private void event(Platform to, String type, String data) throws Exception {
        var r = post(to, "/v1/events", "{\"type\":\"" + type + "\",\"data\":" + data + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private HttpResponse<String> get(Platform p, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(p, path)).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Platform p, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(p, path)).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(Platform p, String path) {
        return URI.create("http://127.0.0.1:" + p.gatewayPort() + path);
    }

    private static Map<String, String> with(Map<String, String> shared, String name, String value) {
        var env = new HashMap<>(shared);
        env.put(name, value);
        return env;
    }
}
