package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.decisions.OrderConfirmation;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.storage.TaskOutcomes;
import io.heomdm.tasks.NotificationHandler;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The platform started in-process on its embedded default, driven over HTTP like a shop would; tasks on SQS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Platform platform;
    /** The admin key the first start wrote to the data directory. */
    String adminKey;
    final HttpClient http = HttpClient.newHttpClient();

    /** Settings beyond the embedded defaults, as environment variables. */
    Map<String, String> settings() {
        return Map.of();
    }

    /** A price test on k-1 open to every customer (all are new since 2020). */
    static final io.heomdm.decisions.pricing.PriceTest KETTLE_TEST = new io.heomdm.decisions.pricing.PriceTest("kettle", "k-1",
            List.of(new java.math.BigDecimal("18.00"), new java.math.BigDecimal("22.00")), java.time.Instant.parse("2020-01-01T00:00:00Z"));

    @BeforeAll
    void start(@TempDir Path dir) throws java.io.IOException {
        Path config = java.nio.file.Files.writeString(dir.resolve("heomdm.yaml"), """
                decisions:
                  pricing:
                    tests:
                      kettle: {productId: k-1, prices: [18.00, 22.00], startsAt: "2020-01-01T00:00:00Z"}
                campaigns:
                  tickSeconds: 1
                  journeys:
                    instant-cart:
                      entry: {event: CartItemAdded, condition: {field: productId, op: eq, value: j-1}}
                      exitOn: [OrderPlaced]
                      steps:
                        - {message: {channel: email, template: cart-reminder}}
                """);
        var env = new java.util.HashMap<>(settings());
        env.putAll(Map.of(
                "HEOMDM_DATA_DIR", dir.toString(),
                "HEOMDM_HTTP_PORT", "0",
                "HEOMDM_KAFKA_EMBEDDED_PORT", "0",
                "HEOMDM_SQS_EMBEDDED_PORT", "0",
                "HEOMDM_SMTP_EMBEDDED_PORT", "0"));
        platform = Platform.start(ConfigLoader.load(Optional.of(config), env));
        Path keyFile = dir.resolve(Edge.ADMIN_KEY_FILE);
        assertThat(java.nio.file.Files.getPosixFilePermissions(keyFile)).as("the first admin key is readable by its owner only")
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        adminKey = java.nio.file.Files.readString(keyFile).trim();
    }

    @Test
    void withoutAKeyOnlyTheBareHealthAnswers() throws Exception {
        var bare = http.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(bare.body()).has("checks")).as("no details without a key").isFalse();
        assertThat(JSON.readTree(bare.body()).get("status").asText()).isIn("UP", "DOWN");
        var anonymous = http.send(HttpRequest.newBuilder(uri("/v1/customers/c-1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"heomdm\"");
        String shop = platform.issueKey("shop", java.util.Set.of("events:write"), Edge.SHOP_EVENT_TYPES);
        var campaign = http.send(HttpRequest.newBuilder(uri("/v1/events")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + shop).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"CustomerSuppressed\",\"data\":{\"customerId\":\"c-1\",\"reason\":\"x\",\"suppressed\":false}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(campaign.statusCode()).as("a shop's key may not unsuppress a customer").isEqualTo(403);
        var audit = JSON.readTree(get("/v1/audit").body()).get("entries");
        assertThat(audit).isNotNull();
    }

    @Test
    void aServiceRebuiltFromTheLogTwiceAnswersAsBeforeAndMeanwhileAnswers503NotAnError() throws Exception {
        String order = """
                {"eventId":"%s","type":"OrderPlaced","data":{"customerId":"%s","orderId":"%s","lines":[],"total":%s}}""";
        List<String> customers = List.of("rebuilt-1", "rebuilt-2", "rebuilt-3");
        for (String c : customers) {
            String retried = UUID.randomUUID().toString();
            assertThat(post(order.formatted(retried, c, c + "-a", "10.00")).statusCode()).isEqualTo(202);
            assertThat(post(order.formatted(retried, c, c + "-a", "10.00")).statusCode()).as("a client's retry").isEqualTo(202);
            assertThat(post(order.formatted(UUID.randomUUID(), c, c + "-b", "5.50")).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> customers.stream().allMatch(c -> {
            try {
                var profile = get("/v1/customers/" + c);
                return profile.statusCode() == 200 && JSON.readTree(profile.body()).get("orderCount").asInt() == 2;
            } catch (Exception e) {
                return false;
            }
        }));
        Map<String, String> before = new java.util.TreeMap<>();
        for (String c : customers) {
            before.put(c, get("/v1/customers/" + c).body());
        }
        for (int round = 1; round <= 2; round++) {
            var started = postTo("/v1/replay/rebuilds/customers", "");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            Set<Integer> meanwhile = new java.util.TreeSet<>();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                meanwhile.add(get("/v1/customers/rebuilt-1").statusCode());
                return JSON.readTree(get("/v1/replay/rebuilds/customers").body()).get("state").asText().matches("DONE|FAILED");
            });
            var status = JSON.readTree(get("/v1/replay/rebuilds/customers").body());
            assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("DONE");
            assertThat(status.get("done").asLong()).isEqualTo(status.get("records").asLong()).isGreaterThanOrEqualTo(9);
            assertThat(meanwhile).as("round " + round + ": answered or unavailable, never an error").isSubsetOf(200, 503);
            for (String c : customers) {
                assertThat(get("/v1/customers/" + c).body()).as("round " + round + ": " + c).isEqualTo(before.get(c));
            }
        }
        assertThat(get("/v1/audit").body()).contains("replay.rebuild");
    }

    @Test
    void oneCustomersOrdersAreCopiedToASandboxTopicWithTheirEventIdsAfterADryRunCountsThem() throws Exception {
        String order = """
                {"eventId":"%s","type":"OrderPlaced","data":{"customerId":"copied","orderId":"%s","lines":[],"total":3.00}}""";
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        for (String id : ids) {
            assertThat(post(order.formatted(id, "o-" + id)).statusCode()).isEqualTo(202);
        }
        assertThat(post("""
                {"type":"ProductViewed","data":{"customerId":"copied","productId":"p-1"}}""").statusCode()).isEqualTo(202);
        var refused = postTo("/v1/replay/copies", """
                {"topic":"market.nowhere","toTopic":"__consumer_offsets","type":"OrderPlaced","colour":"red"}""");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("colour", "topic", "toTopic");
        var intoTheCatalogue = postTo("/v1/replay/copies", """
                {"topic":"market.activity.v1","toTopic":"market.catalog.v1","key":"copied"}""");
        assertThat(JSON.readTree(intoTheCatalogue.body()).get("errors").findValuesAsText("field")).containsExactly("toTopic");

        JsonNode dry = copy("""
                {"topic":"market.activity.v1","toTopic":"sandbox.copied","key":"copied","type":"OrderPlaced","dryRun":true}""");
        assertThat(dry.get("selected").asLong()).isEqualTo(2);
        assertThat(dry.get("written").asLong()).isZero();
        JsonNode done = copy("""
                {"topic":"market.activity.v1","toTopic":"sandbox.copied","key":"copied","type":"OrderPlaced"}""");
        assertThat(done.get("written").asLong()).isEqualTo(2);
        List<String> copiedIds = new ArrayList<>();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", platform.kafkaBootstrapServers()))) {
            io.heomdm.eventlog.ParkedRecords.of(admin, platform.kafkaBootstrapServers(), Map.of(), "sandbox.copied").read(r -> copiedIds.add(
                    new String(r.headers().lastHeader("heomdm-event-id").value(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        assertThat(copiedIds).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(get("/v1/audit").body()).contains("replay.copy.dry-run", "replay.copy");
    }

    private JsonNode copy(String request) throws Exception {
        var started = postTo("/v1/replay/copies", request);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(get(location).body()).get("state").asText().matches("DONE|FAILED"));
        JsonNode status = JSON.readTree(get(location).body());
        assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("DONE");
        return status;
    }

    @Test
    void ordersPostedTwiceAreReportedOnceInTheDaysSalesByProductAndByCategory() throws Exception {
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(post("""
                {"type":"ProductCatalogued","data":{"productId":"reported-1","name":"kettle","category":"reported-kitchen","price":20.00,
                 "floor":10.00,"ceiling":30.00,"cost":8.00,"stock":5}}""").statusCode()).isEqualTo(202);
        String order = """
                {"eventId":"%s","type":"OrderPlaced","data":{"customerId":"reporter","orderId":"%s","lines":[{"productId":"reported-1","quantity":%d,
                 "unitPrice":20.00}],"total":%s}}""";
        String retried = UUID.randomUUID().toString();
        assertThat(post(order.formatted(retried, "o-r1", 2, "40.00")).statusCode()).isEqualTo(202);
        assertThat(post(order.formatted(retried, "o-r1", 2, "40.00")).statusCode()).as("a client's retry").isEqualTo(202);
        assertThat(post(order.formatted(UUID.randomUUID(), "o-r2", 1, "20.00")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/reports/sales?from=" + today + "&to=" + today).body().contains("reported-1"));
        // the projector reads the catalogue and the activity in two groups: the category shows once both are in
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/reports/sales?by=category").body().contains("reported-kitchen"));
        JsonNode byProduct = JSON.readTree(get("/v1/reports/sales?from=" + today + "&to=" + today).body()).get("rows");
        JsonNode row = null;
        for (JsonNode r : byProduct) {
            if (r.get("key").asText().equals("reported-1")) {
                row = r;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("orders").asLong()).as("the retry counted once").isEqualTo(2);
        assertThat(row.get("units").asLong()).isEqualTo(3);
        assertThat(row.get("revenue").decimalValue()).isEqualByComparingTo("60.00");
        assertThat(get("/v1/reports/sales?from=2026-01-01&to=2027-12-31").statusCode()).as("more than 366 days").isEqualTo(400);

        String before = get("/v1/reports/sales?from=" + today + "&to=" + today).body();
        assertThat(postTo("/v1/replay/rebuilds/reports", "").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get("/v1/replay/rebuilds/reports").body()).get("state").asText().matches("DONE|FAILED"));
        assertThat(JSON.readTree(get("/v1/replay/rebuilds/reports").body()).get("state").asText()).isEqualTo("DONE");
        // the other tests' events keep coming in while this one runs: this customer's product is compared
        String after = get("/v1/reports/sales?from=" + today + "&to=" + today).body();
        assertThat(rowOf(after, "reported-1")).as("rebuilt from the log").isEqualTo(rowOf(before, "reported-1"));
    }

    private static String rowOf(String report, String key) throws Exception {
        for (JsonNode r : JSON.readTree(report).get("rows")) {
            if (r.get("key").asText().equals(key)) {
                return r.toString();
            }
        }
        return null;
    }

    @Test
    void theEventCatalogueIsServedAsAPageWithoutAKey() throws Exception {
        var page = http.send(HttpRequest.newBuilder(uri("/catalog")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<h3 id=\"orderplaced\">OrderPlaced</h3>", "<code>market.activity.v1</code>", "decisions.order-confirmation");
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    @Test
    void anOrderBecomesAConfirmationEmailWithOneIdentityAndTraceThroughout() throws Exception {
        UUID orderEventId = UUID.fromString("01a209ac-eef9-7378-b4c1-1479d9ebef59");
        String order = """
                {"eventId":"%s","type":"OrderPlaced","data":{"customerId":"c-77","orderId":"o-77","email":"ada@example.com",
                 "total":59.90,"lines":[{"productId":"p-7","quantity":2,"unitPrice":29.95}]}}""".formatted(orderEventId);
        var accepted = post(order);
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).get("eventId").asText()).isEqualTo(orderEventId.toString());

        // the e-mail arrives at the SMTP server
        var smtp = platform.embeddedSmtp().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(smtp.receivedMessages(), "ada@example.com") == 1);
        MimeMessage mail = mailTo(smtp.receivedMessages(), "ada@example.com");
        assertThat(mail.getSubject()).isEqualTo("Your order o-77 is confirmed");

        // the outcome row holds the envelope that travelled through the task queue: same correlation, cause and trace
        UUID taskId = EventIds.derive(orderEventId, OrderConfirmation.TEMPLATE);
        // the mail leaves inside the worker's transaction, so the row is committed a moment after it arrives
        var outcomes = new TaskOutcomes(platform.database());
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.find(taskId, NotificationHandler.CONSUMER).isPresent());
        var outcome = outcomes.find(taskId, NotificationHandler.CONSUMER).orElseThrow();
        assertThat(outcome.status()).isEqualTo("COMPLETED");
        assertThat(outcome.correlationId()).isEqualTo(orderEventId.toString());
        assertThat(outcome.causationId()).isEqualTo(orderEventId.toString());
        assertThat(outcome.traceparent()).isEqualTo(TRACEPARENT);

        // the order on the event log, keyed by customer, envelope in headers
        var orderRecord = find(MarketTopics.ACTIVITY.name(), r -> header(r, "heomdm-event-id").equals(orderEventId.toString()));
        assertThat(orderRecord.key()).isEqualTo("c-77");
        assertThat(header(orderRecord, "heomdm-type")).isEqualTo("OrderPlaced.v1");
        assertThat(header(orderRecord, "traceparent")).isEqualTo(TRACEPARENT);

        // the outcome on tasks.outcomes.v1, in the same chain and trace
        var outcomeRecord = find(MarketTopics.TASK_OUTCOMES.name(), r -> r.key().equals(taskId.toString()));
        assertThat(header(outcomeRecord, "heomdm-type")).isEqualTo("TaskCompleted.v1");
        assertThat(header(outcomeRecord, "heomdm-event-id")).isEqualTo(outcome.outcomeEventId().toString());
        assertThat(header(outcomeRecord, "heomdm-correlation-id")).isEqualTo(orderEventId.toString());
        assertThat(header(outcomeRecord, "traceparent")).isEqualTo(TRACEPARENT);
        var completed = (io.heomdm.events.schema.TaskCompleted) AvroCodec.decode(EventCatalog.TASK_COMPLETED, outcomeRecord.value());
        assertThat(completed.getTaskEventId()).isEqualTo(taskId.toString());

        // and the customer's messages show it
        JsonNode messages = JSON.readTree(get("/v1/customers/c-77/messages").body()).get("messages");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get("subject").asText()).isEqualTo("Your order o-77 is confirmed");
        assertThat(messages.get(0).get("status").asText()).isEqualTo("SENT");

        // a client retrying the same event (same eventId) causes no second e-mail
        assertThat(post(order).statusCode()).isEqualTo(202);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> mailsTo(smtp.receivedMessages(), "ada@example.com") == 1);
    }

    @Test
    void analyticsAnswersForACustomerASegmentAndAProductAndForgetsAnErasedCustomer() throws Exception {
        assertThat(post("""
                {"type":"ProductViewed","data":{"customerId":"c-88","productId":"p-8","category":"shoes"}}""").statusCode()).isEqualTo(202);
        assertThat(post("""
                {"type":"OrderPlaced","data":{"customerId":"c-88","orderId":"o-88","total":30.00,
                 "lines":[{"productId":"p-8","quantity":3,"unitPrice":10.00}]}}""").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = get("/v1/customers/c-88");
            return r.statusCode() == 200 && JSON.readTree(r.body()).get("orderCount").asInt() == 1;
        });
        JsonNode customer = JSON.readTree(get("/v1/customers/c-88").body());
        assertThat(customer.get("revenue").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(customer.get("favouriteCategory").asText()).isEqualTo("shoes");
        assertThat(customer.get("eventsLast30Days").get("ProductViewed").asInt()).isEqualTo(1);
        assertThat(customer.get("scores").get("rfmSegment").asText()).isEqualTo("New");
        assertThat(customer.get("segments")).extracting(JsonNode::asText).containsExactly("New");

        assertThat(JSON.readTree(get("/v1/segments").body()).get("segments")).anySatisfy(s -> {
            assertThat(s.get("name").asText()).isEqualTo("New");
            assertThat(s.get("kind").asText()).isEqualTo("rfm");
        });
        assertThat(JSON.readTree(get("/v1/segments/New/members?limit=1000").body()).get("customerIds"))
                .extracting(JsonNode::asText).contains("c-88");
        var badLimit = get("/v1/segments/New/members?limit=0");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badLimit.body()).get("errors").get(0).get("field").asText()).isEqualTo("limit");
        assertThat(get("/v1/segments/no-such-segment/members").statusCode()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var r = get("/v1/products/p-8/demand");
            return r.statusCode() == 200 && JSON.readTree(r.body()).get("windows").findValuesAsText("units").contains("3");
        });
        JsonNode demand = JSON.readTree(get("/v1/products/p-8/demand").body());
        assertThat(demand.get("windows")).as("the open windows hold the view and the order").anySatisfy(w -> {
            assertThat(w.get("units").asInt()).isEqualTo(3);
            assertThat(w.get("views").asInt()).isEqualTo(1);
            assertThat(w.get("revenue").decimalValue()).isEqualByComparingTo("30.00");
        });

        var erase = http.send(HttpRequest.newBuilder(uri("/v1/customers/c-88")).header("Authorization", "Bearer " + adminKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erase.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(erase.body()).get("type").asText()).isEqualTo("CustomerErased");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/customers/c-88").statusCode() == 404);
        assertThat(JSON.readTree(get("/v1/segments/New/members?limit=1000").body()).get("customerIds"))
                .extracting(JsonNode::asText).doesNotContain("c-88");
    }

    @Test
    void aSegmentDefinedOverHttpIsCheckedAndThenFilled() throws Exception {
        var invalid = postTo("/v1/segments", """
                {"name": "shoe-lovers", "rule": {"and": [{"property": "favouriteCategory", "op": "eq", "value": "shoes"},
                                                         {"pastEvent": {"type": "ProductViewed", "days": 0}}]}}""");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).get("errors").get(0).get("field").asText()).isEqualTo("rule.and[1].pastEvent.days");

        var defined = postTo("/v1/segments", """
                {"name": "shoe-lovers", "rule": {"property": "favouriteCategory", "op": "eq", "value": "shoes"}}""");
        assertThat(defined.statusCode()).isEqualTo(201);
        assertThat(defined.headers().firstValue("Location")).contains("/v1/segments/shoe-lovers/members");
        // listed once the definitions' global store has read it back from its topic (a second or so)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(JSON.readTree(get("/v1/segments").body()).get("segments").findValuesAsText("name")).contains("shoe-lovers"));
        assertThat(postTo("/v1/segments", "{\"name\": \"Lost\", \"rule\": {\"inSegment\": \"shoe-lovers\"}}").statusCode())
                .as("an RFM name").isEqualTo(400);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            // sent again until the topology has taken the definition in (it looks every 5 s)
            post("{\"type\":\"ProductViewed\",\"data\":{\"customerId\":\"c-99\",\"productId\":\"p-9\",\"category\":\"shoes\"}}");
            var r = get("/v1/customers/c-99");
            return r.statusCode() == 200 && JSON.readTree(r.body()).get("segments").toString().contains("\"shoe-lovers\"");
        });
        assertThat(JSON.readTree(get("/v1/segments/shoe-lovers/members").body()).get("customerIds"))
                .extracting(JsonNode::asText).containsExactly("c-99");
    }

    @Test
    void pricesAndRecommendationsAreDecidedOnTheBrokerAndServedOverHttp() throws Exception {
        for (String p : List.of("k-1", "k-2", "k-3", "k-4")) {
            assertThat(post("""
                    {"type":"ProductCatalogued","data":{"productId":"%s","name":"Kettle %s","category":"kitchen","price":20.00,"floor":10.00,
                     "ceiling":30.00,"cost":5.00,"stock":50}}""".formatted(p, p)).statusCode()).isEqualTo(202);
        }
        String[][] baskets = {{"k-1", "k-2"}, {"k-1", "k-2"}, {"k-1", "k-2"}, {"k-1", "k-3"}};
        for (int i = 0; i < baskets.length; i++) {
            String lines = java.util.Arrays.stream(baskets[i]).map(p -> "{\"productId\":\"" + p + "\",\"quantity\":1,\"unitPrice\":20.00}")
                    .collect(java.util.stream.Collectors.joining(","));
            assertThat(post("""
                    {"type":"OrderPlaced","data":{"customerId":"b-%d","orderId":"ob-%d","total":40.00,"lines":[%s]}}""".formatted(i, i, lines))
                    .statusCode()).isEqualTo(202);
        }
        assertThat(post("""
                {"type":"ProductViewed","data":{"customerId":"c-rec","productId":"k-1","sessionId":"s-rec"}}""").statusCode()).isEqualTo(202);

        // the baskets are four customers' orders, so on different partitions and taken in any order: wait for all four
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = get("/v1/products/k-1/related?kind=bought-together");
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode list = JSON.readTree(r.body()).get("related");
            return list.size() == 2 && list.findValues("together").stream().mapToInt(JsonNode::asInt).sum() == 4;
        });
        JsonNode related = JSON.readTree(get("/v1/products/k-1/related?kind=bought-together").body()).get("related");
        assertThat(related.get(0).get("productId").asText()).isEqualTo("k-2");
        assertThat(related.get(0).get("together").asInt()).isEqualTo(3);
        assertThat(related.get(0).get("score").asDouble()).isEqualTo(0.75);
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/v1/customers/c-rec/recommendations?n=3").body())
                .get("recommendations").findValuesAsText("source").contains("item-based"));
        JsonNode recs = JSON.readTree(get("/v1/customers/c-rec/recommendations?n=3").body()).get("recommendations");
        assertThat(recs.get(0).get("productId").asText()).isEqualTo("k-2");
        assertThat(recs.findValuesAsText("productId")).doesNotContain("k-1");
        assertThat(get("/v1/customers/c-rec/recommendations?n=0").statusCode()).isEqualTo(400);
        assertThat(get("/v1/products/k-1/related?kind=sideways").statusCode()).isEqualTo(400);
        assertThat(get("/v1/products/no-such/related").statusCode()).isEqualTo(404);
        find(DecisionsTopics.RECOMMENDATIONS.name(), r -> r.key().equals("k-1"));

        // pricing reads the analytics layer's closed demand windows: hourly ones in the past, written as analytics would
        try (var publisher = new KafkaEventPublisher(new KafkaSettings(platform.kafkaBootstrapServers(), Map.of(), Duration.ofSeconds(10),
                (short) 1, 1), "it-demand")) {
            var hour = Duration.ofHours(1);
            var start = java.time.Instant.parse("2026-01-05T00:00:00Z");
            for (int w = 0; w < 24; w++) {
                var from = start.plus(hour.multipliedBy(w));
                var type = EventCatalog.DEMAND_OBSERVED;
                var envelope = new io.heomdm.events.Envelope(UUID.randomUUID(), type.name(), type.version(), "k-1", from.plus(hour), null, null, null);
                var observed = io.heomdm.events.schema.DemandObserved.newBuilder().setProductId("k-1").setWindowStart(from)
                        .setWindowEnd(from.plus(hour)).setViews(400).setCartAdds(20).setOrders(12).setUnits(12)
                        .setRevenue(new java.math.BigDecimal("240.00")).setForecastUnits(12).setSeasonal(false).build();
                publisher.publish(SharedTopics.DEMAND, new io.heomdm.events.Event<>(envelope, observed)).join();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = get("/v1/products/k-1/price");
            return r.statusCode() == 200 && JSON.readTree(r.body()).get("cycles").asInt() == 24;
        });
        JsonNode price = JSON.readTree(get("/v1/products/k-1/price").body());
        assertThat(price.get("mode").asText()).isEqualTo("recommend");
        assertThat(price.get("price").decimalValue()).as("recommend mode changes nothing by itself").isEqualByComparingTo("20.00");
        assertThat(price.get("ladder")).hasSize(5);
        assertThat(price.get("decisions").get(0).get("trail").findValuesAsText("rule")).contains("competitor-band", "margin-floor");
        assertThat(price.get("pending").isObject()).as("a recommendation is pending: " + price).isTrue();
        String decisionId = price.get("pending").get("decisionId").asText();
        var finalPrice = price.get("pending").get("finalPrice").decimalValue();
        find(DecisionsTopics.PRICES.name(), r -> header(r, "heomdm-type").equals("PriceChanged.v1"));

        var bad = postTo("/v1/pricing/approve", "{\"decisionId\": 7}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("errors").findValuesAsText("field")).containsExactly("productId", "decisionId");
        assertThat(postTo("/v1/pricing/approve", "{\"productId\": \"k-1\", \"decisionId\": \"another\"}").statusCode()).isEqualTo(409);
        var approved = postTo("/v1/pricing/approve", "{\"productId\": \"k-1\", \"decisionId\": \"" + decisionId + "\", \"approvedBy\": \"it\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(JSON.readTree(approved.body()).get("price").decimalValue()).isEqualByComparingTo(finalPrice);
        assertThat(JSON.readTree(get("/v1/products/k-1/price").body()).get("pending").isNull()).isTrue();
        assertThat(postTo("/v1/pricing/approve", "{\"productId\": \"k-1\"}").statusCode()).as("nothing left to approve").isEqualTo(409);
        assertThat(get("/v1/products/k-4/price").statusCode()).as("never priced").isEqualTo(404);

        // a price test: the customer's arm is a stable hash, a view exposes them, their order counts for the arm
        int arm = KETTLE_TEST.arm("t-new");
        JsonNode armPrice = JSON.readTree(get("/v1/products/k-1/price?customerId=t-new").body());
        assertThat(armPrice.get("price").decimalValue()).isEqualByComparingTo(KETTLE_TEST.prices().get(arm));
        assertThat(armPrice.get("test").get("arm").asInt()).isEqualTo(arm);
        assertThat(post("""
                {"type":"ProductViewed","data":{"customerId":"t-new","productId":"k-1"}}""").statusCode()).isEqualTo(202);
        assertThat(post("""
                {"type":"OrderPlaced","data":{"customerId":"t-new","orderId":"o-t","total":%1$s,"lines":[{"productId":"k-1","quantity":1,"unitPrice":%1$s}]}}"""
                .formatted(KETTLE_TEST.prices().get(arm))).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> JSON.readTree(get("/v1/pricing/tests/kettle").body()).get("arms").get(arm).get("orders").asInt() == 1);
        JsonNode test = JSON.readTree(get("/v1/pricing/tests/kettle").body());
        assertThat(test.get("status").asText()).isEqualTo("collecting");
        assertThat(test.get("arms").get(arm).get("margin").decimalValue()).as("price less the cost of 5.00")
                .isEqualByComparingTo(KETTLE_TEST.prices().get(arm).subtract(new java.math.BigDecimal("5.00")));
        assertThat(test.get("arms").get(0).get("exposed").asInt() + test.get("arms").get(1).get("exposed").asInt())
                .as("c-rec and t-new viewed k-1; the buyers of the baskets never did").isEqualTo(2);
        assertThat(get("/v1/pricing/tests/none").statusCode()).isEqualTo(404);
    }

    @Test
    void aJourneyTurnsACartAddIntoAnEmailThroughTheGateAndRecordsEveryDecision() throws Exception {
        // a zone where it is about noon now, so quiet hours (21:00-08:00 local) never defer this test's message
        String noon = java.time.ZoneOffset.ofHours(12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour()).getId();
        for (var c : List.of(List.of("j-ann", "true"), List.of("j-bob", "false"))) {
            assertThat(post("""
                    {"type":"CustomerUpdated","data":{"customerId":"%s","email":"%s@example.com","timeZone":"%s","consent":{"email":%s}}}"""
                    .formatted(c.get(0), c.get(0), noon, c.get(1))).statusCode()).isEqualTo(202);
            assertThat(post("""
                    {"type":"CartItemAdded","data":{"customerId":"%s","productId":"j-1","quantity":1,"unitPrice":12.50}}""".formatted(c.get(0)))
                    .statusCode()).isEqualTo(202);
        }
        var smtp = platform.embeddedSmtp().orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(smtp.receivedMessages(), "j-ann@example.com") == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/v1/campaigns/instant-cart/stats").body())
                .get("outcomes").path("SUPPRESSED").asInt() == 1);
        JsonNode stats = JSON.readTree(get("/v1/campaigns/instant-cart/stats").body());
        assertThat(stats.get("outcomes").get("SENT").asInt()).isEqualTo(1);
        assertThat(stats.get("reasons").get("consent").asInt()).as("bob gave no consent").isEqualTo(1);
        assertThat(mailsTo(smtp.receivedMessages(), "j-bob@example.com")).isZero();

        JsonNode ann = JSON.readTree(get("/v1/customers/j-ann/messages").body());
        JsonNode decision = ann.get("decisions").get(0);
        assertThat(decision.get("outcome").asText()).isEqualTo("SENT");
        assertThat(decision.get("source").asText()).isEqualTo("journey:instant-cart");
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get("/v1/customers/j-ann/messages").body()).get("messages").size() == 1);
        JsonNode message = JSON.readTree(get("/v1/customers/j-ann/messages").body()).get("messages").get(0);
        assertThat(message.get("messageId").asText()).as("the task's id is the message's idempotency key")
                .isEqualTo(decision.get("deliveryId").asText());
        assertThat(message.get("subject").asText()).isEqualTo("You left something in your cart");
        assertThat(message.get("traceparent").asText()).as("the cart add's trace, through the journey, the outbox and the queue").isEqualTo(TRACEPARENT);
        assertThat(JSON.readTree(get("/v1/customers/j-bob/messages").body()).get("decisions").get(0).get("reason").asText())
                .startsWith("consent");
    }

    @Test
    void aJourneyPostedToTheApiIsCheckedTakenInAndRun() throws Exception {
        var refused = postTo("/v1/journeys", """
                {"id": "api-cart", "journey": {"entry": {"event": "CartItemAdded"}, "steps": [{"message": {"channel": "email", "template": ""}}]}}""");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).get("errors").get(0).get("field").asText()).isEqualTo("journey.steps[0].message.template");
        assertThat(postTo("/v1/journeys", "{\"id\": \"instant-cart\", \"journey\": {}}").statusCode()).as("a configured id").isEqualTo(400);

        var defined = postTo("/v1/journeys", """
                {"id": "api-cart", "journey": {"entry": {"event": "CartItemAdded", "condition": {"field": "productId", "op": "eq", "value": "api-1"}},
                 "exitOn": ["OrderPlaced"], "steps": [{"message": {"channel": "email", "template": "cart-reminder"}}]}}""");
        assertThat(defined.statusCode()).isEqualTo(201);
        assertThat(defined.headers().firstValue("Location")).contains("/v1/campaigns/api-cart/stats");
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get("/v1/journeys").body()).get("journeys").findValues("id").stream()
                .anyMatch(id -> id.asText().equals("api-cart")));
        assertThat(get("/v1/journeys").body()).as("fields in the contract's order").contains("{\"id\":\"api-cart\",\"source\":\"api\"}");

        // the journeys look for new definitions every 5 s: cart adds from new customers until one is decided by the new journey
        String noon = java.time.ZoneOffset.ofHours(12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour()).getId();
        int[] n = {0};
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String c = "api-" + n[0]++;
            post("""
                    {"type":"CustomerUpdated","data":{"customerId":"%s","email":"%s@example.com","timeZone":"%s","consent":{"email":true}}}"""
                    .formatted(c, c, noon));
            post("""
                    {"type":"CartItemAdded","data":{"customerId":"%s","productId":"api-1","quantity":1,"unitPrice":3.50}}""".formatted(c));
            return JSON.readTree(get("/v1/campaigns/api-cart/stats").body()).get("outcomes").path("SENT").asInt() > 0;
        });
        var smtp = platform.embeddedSmtp().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (MimeMessage m : smtp.receivedMessages()) {
                if (m.getAllRecipients()[0].toString().startsWith("api-") && m.getSubject().equals("You left something in your cart")) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    void aBilledCampaignSendsWithinItsDailyCapAndChargesEachDeliveredMessageThroughTheBudgetSaga() throws Exception {
        String noon = java.time.ZoneOffset.ofHours(12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour()).getId();
        List<String> audience = List.of("m-ann", "m-bob", "m-cy");
        for (String c : audience) {
            assertThat(post("""
                    {"type":"CustomerUpdated","data":{"customerId":"%s","email":"%s@example.com","timeZone":"%s","consent":{"email":true}}}"""
                    .formatted(c, c, noon)).statusCode()).isEqualTo(202);
        }
        // their consent is taken in before the campaign is posted (analytics having read it stands in for the journeys, which read the same log)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (String c : audience) {
                if (get("/v1/customers/" + c).statusCode() != 200) {
                    return false;
                }
            }
            return true;
        });
        assertThat(post("""
                {"type":"CampaignTriggered","data":{"campaignId":"winter","name":"Winter sale","customerIds":["m-ann","m-bob","m-cy"],
                 "channel":"EMAIL","template":"win-back","dailyCap":2,"budget":0.05,"accountId":"acct-winter"}}""").statusCode()).isEqualTo(202);

        var smtp = platform.embeddedSmtp().orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsToAll(smtp.receivedMessages(), audience) == 2);
        var ledger = new io.heomdm.storage.BillingLedger(platform.database());
        // each delivered message's hold is captured: 2 x 0.01 charged, nothing left held
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.balance("acct-winter").compareTo(new java.math.BigDecimal("0.02")) == 0
                && ledger.held("acct-winter").signum() == 0);
        JsonNode stats = JSON.readTree(get("/v1/campaigns/winter/stats").body());
        assertThat(stats.get("outcomes").get("SENT").asInt()).isEqualTo(2);
        assertThat(stats.get("outcomes").get("DEFERRED").asInt()).as("the third waits for tomorrow").isEqualTo(1);
        assertThat(stats.get("reasons").get("daily-cap").asInt()).isEqualTo(1);
        assertThat(stats.get("budget").get("spent").decimalValue()).isEqualByComparingTo("0.02");
        assertThat(stats.get("budget").get("reserved").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(stats.get("budget").get("admittedToday").asInt()).isEqualTo(2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> mailsToAll(smtp.receivedMessages(), audience) == 2);
    }

    @Test
    void hostileDefinitionsAndUnreadableRecordsCostOnlyThemselves() throws Exception {
        var forever = postTo("/v1/segments", """
                {"name": "forever", "rule": {"pastEvent": {"type": "OrderPlaced", "days": 999999999999}}}""");
        assertThat(forever.statusCode()).as("the look-back that stopped analytics for good").isEqualTo(400);
        assertThat(JSON.readTree(forever.body()).get("errors").get(0).get("field").asText()).isEqualTo("rule.pastEvent.days");

        assertThat(postTo("/v1/segments", "{\"name\": \"it-temp\", \"rule\": {\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 1}}")
                .statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/segments").body().contains("\"it-temp\""));
        assertThat(delete("/v1/segments/it-temp").statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> !get("/v1/segments").body().contains("\"it-temp\""));
        assertThat(delete("/v1/segments/it-temp").statusCode()).isEqualTo(404);
        assertThat(delete("/v1/segments/Champions").statusCode()).as("an RFM segment is not the API's").isEqualTo(409);
        assertThat(delete("/v1/journeys/instant-cart").statusCode()).as("a configured journey").isEqualTo(409);

        // what a misbehaving producer writes past the edge: an OrderPlaced whose payload is not Avro
        var envelope = new io.heomdm.events.Envelope(UUID.randomUUID(), "OrderPlaced", 1, "poison-1", java.time.Instant.now(), null, null, TRACEPARENT);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                platform.kafkaBootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(io.heomdm.eventlog.MarketTopics.ACTIVITY.name(), null, "poison-1",
                    new byte[] {(byte) 0xff, 0x01}, io.heomdm.eventlog.KafkaHeaders.of(envelope))).get();
        }
        // and behind it, a customer on any partition
        assertThat(post("{\"type\":\"OrderPlaced\",\"data\":{\"customerId\":\"after-poison\",\"orderId\":\"o-ap\",\"lines\":[],\"total\":5.00}}")
                .statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/customers/after-poison").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/health").body()).path("deadLetters").path("analytics").asLong() >= 2);
        var health = JSON.readTree(get("/health").body());
        assertThat(health.get("status").asText()).as("parked, not down").isEqualTo("UP");
        assertThat(health.get("checks").get("analytics").asText()).isEqualTo("DEGRADED");
        var parked = find(io.heomdm.analytics.Analytics.CUSTOMERS_APPLICATION_ID + ".dlt", r -> r.key().equals("poison-1"));
        assertThat(header(parked, "heomdm-event-id")).as("replayable as the same event").isEqualTo(envelope.eventId().toString());
        assertThat(header(parked, "traceparent")).isEqualTo(TRACEPARENT);

        // one console for every dead letter
        String dlt = io.heomdm.analytics.Analytics.CUSTOMERS_APPLICATION_ID + ".dlt";
        var sources = JSON.readTree(get("/v1/dead-letters").body()).get("sources");
        assertThat(sources.findValuesAsText("name")).contains(dlt, "outbox");
        assertThat(sources.findValuesAsText("kind")).contains("task-queue", "event-log", "outbox");
        // (other tests park letters there too)
        JsonNode letter = null;
        for (JsonNode l : JSON.readTree(get("/v1/dead-letters/" + dlt + "?max=1000").body()).get("letters")) {
            letter = l.path("envelope").path("heomdm-event-id").asText().equals(envelope.eventId().toString()) ? l : letter;
        }
        assertThat(letter).as("the poison record in the console").isNotNull();
        assertThat(letter.get("reason").asText()).startsWith(io.heomdm.events.MalformedMessageException.class.getName());
        assertThat(JSON.readTree(http.send(HttpRequest.newBuilder(uri("/v1/dead-letters/" + dlt)).header("Authorization", "Bearer " + adminKey)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString()).body()).get("count").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(JSON.readTree(get("/v1/dead-letters/" + dlt).body()).get("letters")).as("purged").isEmpty();
        assertThat(get("/v1/dead-letters/no-such-place").statusCode()).isEqualTo(404);
    }

    @Test
    void hostileEventsOfEveryTypeCostOnlyThemselves() throws Exception {
        var hostile = new HostilePayloads(21, "hostile");
        List<String> garbage = new ArrayList<>();
        for (var type : EventCatalog.all().stream().filter(t -> t.kind() == io.heomdm.events.EventKind.EVENT).toList()) {
            int accepted = 0;
            for (int i = 0; i < 20; i++) {
                var event = JSON.createObjectNode().put("type", type.name());
                event.set("data", hostile.payload(type));
                var answer = post(JSON.writeValueAsString(event));
                assertThat(answer.statusCode()).as("%s %s", answer.body(), event).isIn(202, 400);
                if (answer.statusCode() == 400) {
                    assertThat(JSON.readTree(answer.body()).path("errors").path(0).path("field").asText()).as(answer.body()).isNotEmpty();
                } else {
                    accepted++;
                }
            }
            assertThat(accepted).as("hostile %s events the edge lets through", type.name()).isGreaterThanOrEqualTo(5);
            // and past the edge, a record of the type that is not its schema
            var envelope = new io.heomdm.events.Envelope(UUID.randomUUID(), type.name(), 1, "garbage", java.time.Instant.now(), null, null, TRACEPARENT);
            garbage.add(envelope.eventId().toString());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                    platform.kafkaBootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(MarketTopics.forType(type.name()).orElseThrow().name(), null,
                        "garbage", new byte[] {(byte) 0xff, 0x01}, io.heomdm.eventlog.KafkaHeaders.of(envelope))).get();
            }
        }

        // normal traffic behind it is processed in full
        String customer = "after-hostile-" + UUID.randomUUID();
        assertThat(post("{\"type\":\"ProductViewed\",\"data\":{\"customerId\":\"%s\",\"productId\":\"p-ah\"}}".formatted(customer)).statusCode()).isEqualTo(202);
        assertThat(post("{\"type\":\"OrderPlaced\",\"data\":{\"customerId\":\"%s\",\"orderId\":\"o-ah\",\"lines\":[],\"total\":7.00}}".formatted(customer))
                .statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/v1/customers/" + customer).statusCode() == 200
                && JSON.readTree(get("/v1/customers/" + customer).body()).path("orderCount").asInt() == 1);
        var health = JSON.readTree(get("/health").body());
        assertThat(health.get("status").asText()).as(health.toString()).isIn("UP", "DEGRADED");
        health.get("checks").fields().forEachRemaining(c -> assertThat(c.getValue().asText()).as(c.getKey()).isIn("UP", "DEGRADED"));

        // every record that is not its schema is parked where the console shows it
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(parkedEventIds()).containsAll(garbage));
    }

    /** The eventIds of every letter in every event-log dead-letter source. */
    private java.util.Set<String> parkedEventIds() throws Exception {
        var ids = new java.util.HashSet<String>();
        for (JsonNode source : JSON.readTree(get("/v1/dead-letters").body()).get("sources")) {
            if (source.get("kind").asText().equals("event-log")) {
                for (JsonNode letter : JSON.readTree(get("/v1/dead-letters/" + source.get("name").asText() + "?max=1000").body()).get("letters")) {
                    ids.add(letter.path("envelope").path("heomdm-event-id").asText());
                }
            }
        }
        return ids;
    }

    @Test
    void anOrderPostedTwiceWithItsEventIdCountsOnceAndItsIdCannotNameAnotherOrder() throws Exception {
        String order = """
                {"eventId":"%s","type":"OrderPlaced","data":{"customerId":"twice","orderId":"o-twice","lines":[],"total":%s}}""";
        String eventId = UUID.randomUUID().toString();
        assertThat(post(order.formatted(eventId, "40.00")).statusCode()).isEqualTo(202);
        assertThat(post(order.formatted(eventId, "40.00")).statusCode()).as("the client's retry is written again").isEqualTo(202);
        assertThat(post(order.formatted(eventId, "99.00")).statusCode()).as("another order under its id").isEqualTo(409);
        // a later event of the same customer on the same partition: once it is in, the copies before it were seen
        assertThat(post(order.formatted(UUID.randomUUID(), "2.00").replace("o-twice", "o-later")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/customers/twice").statusCode() == 200
                && JSON.readTree(get("/v1/customers/twice").body()).path("orderCount").asInt() == 2);
        JsonNode profile = JSON.readTree(get("/v1/customers/twice").body());
        assertThat(profile.get("revenue").decimalValue()).as("40 once, and 2").isEqualByComparingTo("42.00");
    }

    @Test
    void healthReportsEveryDependency() throws Exception {
        var health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        var checks = JSON.readTree(health.body()).get("checks");
        assertThat(checks.get("kafka").asText()).isEqualTo("UP");
        assertThat(checks.get("database").asText()).isEqualTo("UP");
        // DEGRADED once another test's poison record is parked: up, with dead letters to look at
        assertThat(checks.get("analytics").asText()).isIn("UP", "DEGRADED");
        assertThat(checks.get("decisions").asText()).isIn("UP", "DEGRADED");
        assertThat(checks.get("campaigns").asText()).isIn("UP", "DEGRADED");
        if (platform.sqsEndpoint() != null) {
            assertThat(checks.get("sqs").asText()).isEqualTo("UP");
        } else {
            assertThat(checks.has("sqs")).as("no SQS check where SQS is not used").isFalse();
        }
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/v1/events")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + adminKey).header("traceparent", TRACEPARENT).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postTo(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + adminKey).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + adminKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + platform.gatewayPort() + path);
    }

    private static long mailsToAll(List<MimeMessage> messages, List<String> customers) throws Exception {
        long n = 0;
        for (String c : customers) {
            n += mailsTo(messages, c + "@example.com");
        }
        return n;
    }

    private static long mailsTo(List<MimeMessage> messages, String to) throws Exception {
        long n = 0;
        for (MimeMessage m : messages) {
            n += m.getAllRecipients()[0].toString().equals(to) ? 1 : 0;
        }
        return n;
    }

    /** The other tests' mails arrive at the same server, in any order. */
    private static MimeMessage mailTo(List<MimeMessage> messages, String to) throws Exception {
        for (MimeMessage m : messages) {
            if (m.getAllRecipients()[0].toString().equals(to)) {
                return m;
            }
        }
        throw new AssertionError("no mail to " + to);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private ConsumerRecord<String, byte[]> find(String topic, java.util.function.Predicate<ConsumerRecord<String, byte[]>> match) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", platform.kafkaBootstrapServers(),
                "group.id", "it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (match.test(r)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}
