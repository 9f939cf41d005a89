package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.LogPosition;
import io.heomdm.events.Traceparent;
import io.heomdm.events.Violation;
import io.heomdm.gateway.Problem.FieldError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: {@code POST /v1/events} (one JSON event, or an NDJSON batch); queries —
 * {@code GET /v1/customers/{id}} and {@code /messages}, {@code GET|POST /v1/segments} and
 * {@code /v1/segments/{name}/members}, {@code GET /v1/products/{id}/demand}; decisions —
 * {@code GET /v1/products/{id}/price}, {@code POST /v1/pricing/approve}, {@code GET /v1/pricing/tests/{id}},
 * {@code GET /v1/customers/{id}/recommendations}, {@code GET /v1/products/{id}/related}; campaigns —
 * {@code GET|POST /v1/journeys}, {@code GET /v1/campaigns/{id}/stats} (the gate's decisions are listed with a customer's messages); erasure,
 * {@code DELETE /v1/customers/{id}}; {@code GET /health} and {@code GET /metrics}.
 *
 * <p>An event is answered 202 only after Kafka acknowledged it ({@code acks=all}); when it was not
 * acknowledged in time the answer is 503 and the client retries with the same eventId. A batch is
 * validated whole before anything is published: one invalid item refuses the batch, and the
 * problem lists every item and field at fault. Errors are RFC 9457 problem+json and never carry a
 * stack trace.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Pattern CUSTOMER_MESSAGES = Pattern.compile("/v1/customers/([^/]{1,200})/messages");
    private static final Pattern CUSTOMER = Pattern.compile("/v1/customers/([^/]{1,200})");
    private static final Pattern SEGMENT_MEMBERS = Pattern.compile("/v1/segments/([^/]{1,200})/members");
    private static final Pattern PRODUCT_DEMAND = Pattern.compile("/v1/products/([^/]{1,200})/demand");
    private static final Pattern PRODUCT_PRICE = Pattern.compile("/v1/products/([^/]{1,200})/price");
    private static final Pattern CAMPAIGN_STATS = Pattern.compile("/v1/campaigns/([^/]{1,200})/stats");
    private static final Pattern PRICE_TEST = Pattern.compile("/v1/pricing/tests/([^/]{1,200})");
    private static final Pattern PRODUCT_RELATED = Pattern.compile("/v1/products/([^/]{1,200})/related");
    private static final Pattern CUSTOMER_RECOMMENDATIONS = Pattern.compile("/v1/customers/([^/]{1,200})/recommendations");
    private static final int MAX_RECOMMENDATIONS = 100;
    private static final int MAX_PAGE = 1000;

    private final GatewaySettings settings;
    private final EventIngestion ingestion;
    private final EventPublisher publisher;
    private final CustomerQueries customers;
    private final AnalyticsQueries analytics;
    private final DecisionQueries decisions;
    private final JourneyQueries journeys;
    private final List<HealthCheck> health;
    private final PrometheusMeterRegistry metrics;
    private final RandomGenerator random;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Timer ackLatency;

    public Gateway(GatewaySettings settings, EventIngestion ingestion, EventPublisher publisher, CustomerQueries customers,
            AnalyticsQueries analytics, DecisionQueries decisions, JourneyQueries journeys, List<HealthCheck> health, PrometheusMeterRegistry metrics,
            RandomGenerator random) throws IOException {
        this.settings = settings;
        this.ingestion = ingestion;
        this.publisher = publisher;
        this.customers = customers;
        this.analytics = analytics;
        this.decisions = decisions;
        this.journeys = journeys;
        this.health = List.copyOf(health);
        this.metrics = metrics;
        this.random = random;
        this.ackLatency = Timer.builder("heomdm.gateway.ack").description("time from receiving a request to Kafka's acknowledgement")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.executor = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "gateway");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Matcher customerMessages = CUSTOMER_MESSAGES.matcher(path);
            Matcher customer = CUSTOMER.matcher(path);
            Matcher members = SEGMENT_MEMBERS.matcher(path);
            Matcher demand = PRODUCT_DEMAND.matcher(path);
            Matcher price = PRODUCT_PRICE.matcher(path);
            Matcher priceTest = PRICE_TEST.matcher(path);
            Matcher campaignStats = CAMPAIGN_STATS.matcher(path);
            Matcher related = PRODUCT_RELATED.matcher(path);
            Matcher recommendations = CUSTOMER_RECOMMENDATIONS.matcher(path);
            if (path.equals("/v1/events")) {
                if (requireMethod(exchange, method, "POST")) {
                    postEvents(exchange);
                }
            } else if (path.equals("/health")) {
                if (requireMethod(exchange, method, "GET")) {
                    health(exchange);
                }
            } else if (path.equals("/metrics")) {
                if (requireMethod(exchange, method, "GET")) {
                    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
                }
            } else if (customerMessages.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    messages(exchange, URLDecoder.decode(customerMessages.group(1), StandardCharsets.UTF_8));
                }
            } else if (customer.matches()) {
                String id = URLDecoder.decode(customer.group(1), StandardCharsets.UTF_8);
                if (method.equals("DELETE")) {
                    erase(exchange, id);
                } else if (requireMethod(exchange, method, "GET, DELETE")) {
                    found(exchange, analytics.customer(id), "no customer " + id);
                }
            } else if (path.equals("/v1/segments")) {
                if (method.equals("POST")) {
                    defineSegment(exchange);
                } else if (requireMethod(exchange, method, "GET, POST")) {
                    var list = JSON.createArrayNode();
                    analytics.segments().forEach((name, kind) -> list.add(JSON.createObjectNode().put("name", name).put("kind", kind)));
                    sendJson(exchange, 200, JSON.createObjectNode().set("segments", list));
                }
            } else if (members.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    segmentMembers(exchange, URLDecoder.decode(members.group(1), StandardCharsets.UTF_8));
                }
            } else if (demand.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    String id = URLDecoder.decode(demand.group(1), StandardCharsets.UTF_8);
                    found(exchange, analytics.productDemand(id), "no demand seen for product " + id);
                }
            } else if (price.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    String id = URLDecoder.decode(price.group(1), StandardCharsets.UTF_8);
                    var customerId = Optional.ofNullable(query(exchange.getRequestURI().getRawQuery()).get("customerId"));
                    found(exchange, decisions.price(id, customerId),
                            "product " + id + " has not been priced yet (it needs a catalogue entry and a closed demand window)");
                }
            } else if (priceTest.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    String id = URLDecoder.decode(priceTest.group(1), StandardCharsets.UTF_8);
                    found(exchange, decisions.priceTest(id), "no price test " + id + " is configured (decisions.pricing.tests)");
                }
            } else if (path.equals("/v1/pricing/approve")) {
                if (requireMethod(exchange, method, "POST")) {
                    approve(exchange);
                }
            } else if (path.equals("/v1/journeys")) {
                if (method.equals("POST")) {
                    defineJourney(exchange);
                } else if (requireMethod(exchange, method, "GET, POST")) {
                    var list = JSON.createArrayNode();
                    journeys.journeys().forEach((id, source) -> list.add(JSON.createObjectNode().put("id", id).put("source", source)));
                    sendJson(exchange, 200, JSON.createObjectNode().set("journeys", list));
                }
            } else if (campaignStats.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    String id = URLDecoder.decode(campaignStats.group(1), StandardCharsets.UTF_8);
                    com.fasterxml.jackson.databind.node.ObjectNode stats = JSON.valueToTree(customers.campaignStats(id));
                    customers.campaignBudget(id).ifPresent(b -> stats.set("budget", JSON.valueToTree(b)));
                    sendJson(exchange, 200, stats);
                }
            } else if (recommendations.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    recommend(exchange, URLDecoder.decode(recommendations.group(1), StandardCharsets.UTF_8));
                }
            } else if (related.matches()) {
                if (requireMethod(exchange, method, "GET")) {
                    related(exchange, URLDecoder.decode(related.group(1), StandardCharsets.UTF_8));
                }
            } else {
                problem(exchange, Problem.of(404, "not-found", "Not found", "no resource at " + path));
            }
        } catch (Unavailable e) {
            try {
                exchange.getResponseHeaders().set("Retry-After", "2");
                problem(exchange, Problem.of(503, e.service() + "-unavailable", "Service unavailable", e.getMessage()));
            } catch (IOException ignored) {
                // the client is gone
            }
        } catch (Exception | LinkageError e) {
            log.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            try {
                problem(exchange, Problem.of(500, "internal", "Internal error", "the request could not be completed; it is logged"));
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }

    private boolean requireMethod(HttpExchange exchange, String method, String allowed) throws IOException {
        if (List.of(allowed.split(", ")).contains(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", allowed);
        problem(exchange, Problem.of(405, "method-not-allowed", "Method not allowed", method + " is not allowed here; use " + allowed));
        return false;
    }

    private void postEvents(HttpExchange exchange) throws Exception {
        String contentType = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        boolean ndjson = contentType.equals("application/x-ndjson");
        if (!ndjson && !contentType.equals("application/json")) {
            count("unsupported-media-type");
            problem(exchange, Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send application/json (one event) or application/x-ndjson (one event per line), not '" + contentType + "'"));
            return;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            count("too-large");
            problem(exchange, Problem.of(413, "too-large", "Request body too large",
                    "bodies are limited to " + settings.maxBodyBytes() + " bytes; split the batch"));
            return;
        }
        String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        if (!Traceparent.isValid(traceparent)) {
            traceparent = Traceparent.newTrace(random);
        }
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> lines = ndjson ? text.lines().filter(l -> !l.isBlank()).toList() : List.of(text);
        if (lines.isEmpty()) {
            count("invalid");
            problem(exchange, Problem.of(400, "invalid-event", "Invalid event", "the body holds no event"));
            return;
        }
        if (lines.size() > settings.maxBatchItems()) {
            count("too-large");
            problem(exchange, Problem.of(413, "too-large", "Batch too large",
                    "a batch may hold at most " + settings.maxBatchItems() + " events; this one holds " + lines.size()));
            return;
        }
        List<EventIngestion.Item> items = new ArrayList<>(lines.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var item = ingestion.parse(lines.get(i), traceparent);
            items.add(item);
            Integer index = ndjson ? i : null;
            item.violations().forEach(v -> errors.add(new FieldError(index, v.field(), v.rule())));
        }
        if (!errors.isEmpty()) {
            count("invalid");
            long refused = items.stream().filter(i -> !i.isValid()).count();
            problem(exchange, Problem.of(400, "invalid-event", "Invalid event",
                    ndjson ? refused + " of " + items.size() + " events break the schema; none of the batch was accepted"
                            : "the event breaks the schema; it was not accepted").withErrors(errors));
            return;
        }
        publishAll(exchange, items, ndjson);
    }

    private void publishAll(HttpExchange exchange, List<EventIngestion.Item> items, boolean batch) throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<LogPosition>> acks = new ArrayList<>();
        for (var item : items) {
            acks.add(publisher.publish(item.accepted().topic(), item.accepted().event()));
        }
        long deadline = start + settings.ackTimeout().toNanos();
        ArrayNode accepted = JSON.createArrayNode();
        List<FieldError> unacknowledged = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            var envelope = items.get(i).accepted().event().envelope();
            try {
                LogPosition p = acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                accepted.add(JSON.createObjectNode().put("eventId", envelope.eventId().toString()).put("type", envelope.type())
                        .put("topic", p.topic()).put("partition", p.partition()).put("offset", p.offset()));
            } catch (Exception e) {
                unacknowledged.add(new FieldError(batch ? i : null, "eventId",
                        "not acknowledged by Kafka in time; retry with eventId " + envelope.eventId()));
            }
        }
        ackLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (!unacknowledged.isEmpty()) {
            count("unavailable");
            exchange.getResponseHeaders().set("Retry-After", "1");
            problem(exchange, new Problem("https://heomdm.io/problems/not-acknowledged", "Event log unavailable", 503,
                    unacknowledged.size() + " of " + items.size() + " events were not acknowledged; "
                            + accepted.size() + " were. Retry the listed ones with the same eventIds (duplicates are removed).",
                    unacknowledged));
            return;
        }
        Counter.builder("heomdm.gateway.events").tag("outcome", "accepted").register(metrics).increment(items.size());
        ObjectNode response = batch
                ? JSON.createObjectNode().put("accepted", accepted.size()).set("events", accepted)
                : (ObjectNode) accepted.get(0);
        sendJson(exchange, 202, response);
    }

    /** The body, or null when it is larger than allowed: refused on Content-Length alone when the client sent one. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > settings.maxBodyBytes()) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > settings.maxBodyBytes()) {
                    return null;
                }
            }
            return out.toByteArray();
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean up = true;
        for (HealthCheck check : health) {
            boolean ok;
            try {
                ok = check.isUp();
            } catch (RuntimeException e) {
                ok = false;
            }
            checks.put(check.name(), ok ? "UP" : "DOWN");
            up &= ok;
        }
        ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN");
        body.set("checks", JSON.valueToTree(checks));
        sendJson(exchange, up ? 200 : 503, body);
    }

    private void found(HttpExchange exchange, Optional<?> value, String missing) throws IOException {
        if (value.isPresent()) {
            sendJson(exchange, 200, value.get());
        } else {
            problem(exchange, Problem.of(404, "not-found", "Not found", missing));
        }
    }

    /** {@code {"name": ..., "rule": {...}}}: 201 when written, 400 naming every broken rule by its path into the tree. */
    private void defineSegment(HttpExchange exchange) throws IOException {
        JsonNode definition = jsonBody(exchange);
        if (definition == null) {
            return;
        }
        if (!definition.isObject()) {
            problem(exchange, Problem.of(400, "invalid-segment", "Invalid segment", "the body must be a JSON object {\"name\": ..., \"rule\": {...}}"));
            return;
        }
        String name = definition.path("name").isTextual() ? definition.get("name").asText() : null;
        List<Violation> violations = analytics.defineSegment(name, definition.get("rule"));
        if (!violations.isEmpty()) {
            problem(exchange, Problem.of(400, "invalid-segment", "Invalid segment", "the segment was not defined")
                    .withErrors(violations.stream().map(v -> new FieldError(null, v.field(), v.rule())).toList()));
            return;
        }
        exchange.getResponseHeaders().set("Location", "/v1/segments/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8) + "/members");
        sendJson(exchange, 201, JSON.createObjectNode().put("name", name).set("rule", definition.get("rule")));
    }

    private void defineJourney(HttpExchange exchange) throws IOException {
        JsonNode definition = jsonBody(exchange);
        if (definition == null) {
            return;
        }
        if (!definition.isObject()) {
            problem(exchange, Problem.of(400, "invalid-journey", "Invalid journey", "the body must be a JSON object {\"id\": ..., \"journey\": {...}}"));
            return;
        }
        String id = definition.path("id").isTextual() ? definition.get("id").asText() : null;
        List<Violation> violations = journeys.define(id, definition.get("journey"));
        if (!violations.isEmpty()) {
            problem(exchange, Problem.of(400, "invalid-journey", "Invalid journey", "the journey was not defined")
                    .withErrors(violations.stream().map(v -> new FieldError(null, v.field(), v.rule())).toList()));
            return;
        }
        exchange.getResponseHeaders().set("Location", "/v1/campaigns/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8) + "/stats");
        sendJson(exchange, 201, JSON.createObjectNode().put("id", id).set("journey", definition.get("journey")));
    }

    /** {@code ?after=ID&limit=N}: a page of members in customerId order, with the {@code after} of the next page. */
    private void segmentMembers(HttpExchange exchange, String segment) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Optional<Integer> limit = count(exchange, query, "limit", 100, MAX_PAGE);
        if (limit.isPresent()) {
            found(exchange, analytics.members(segment, Optional.ofNullable(query.get("after")), limit.get()),
                    "no segment " + segment + " (GET /v1/segments lists them)");
        }
    }

    /** {@code {"productId": ..., "decisionId": optional, "approvedBy": optional}}: 200 with the applied price, 202 when not applied yet. */
    private void approve(HttpExchange exchange) throws IOException {
        JsonNode request = jsonBody(exchange);
        if (request == null) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        if (!request.isObject()) {
            errors.add(new FieldError(null, "(body)", "must be a JSON object {\"productId\": ..., \"decisionId\": ...}"));
        } else {
            if (!request.path("productId").isTextual() || request.get("productId").asText().isBlank()) {
                errors.add(new FieldError(null, "productId", "is required: the product whose recommended price is approved"));
            }
            for (String optional : List.of("decisionId", "approvedBy")) {
                if (request.has(optional) && !request.get(optional).isTextual() && !request.get(optional).isNull()) {
                    errors.add(new FieldError(null, optional, "must be a string when given"));
                }
            }
        }
        if (!errors.isEmpty()) {
            problem(exchange, Problem.of(400, "invalid-approval", "Invalid approval", "nothing was approved").withErrors(errors));
            return;
        }
        var answer = decisions.approve(request.get("productId").asText(), textOrNull(request, "decisionId"), textOrNull(request, "approvedBy"));
        if (answer.status() >= 400) {
            problem(exchange, Problem.of(answer.status(), answer.status() == 404 ? "not-found" : "nothing-pending",
                    answer.status() == 404 ? "Not found" : "Nothing to approve", answer.detail()));
        } else {
            sendJson(exchange, answer.status(), answer.body());
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }

    /** {@code ?n=10&category=C}: the customer's recommendations, each with its score and where it came from. */
    private void recommend(HttpExchange exchange, String customerId) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Optional<Integer> n = count(exchange, query, "n", 10, MAX_RECOMMENDATIONS);
        if (n.isPresent()) {
            sendJson(exchange, 200, JSON.createObjectNode().put("customerId", customerId)
                    .set("recommendations", JSON.valueToTree(decisions.recommendations(customerId, n.get(), Optional.ofNullable(query.get("category"))))));
        }
    }

    /** {@code ?kind=bought-together|viewed-together&n=10}: the product's neighbours, scored. */
    private void related(HttpExchange exchange, String productId) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String kind = query.getOrDefault("kind", "bought-together");
        if (!kind.equals("bought-together") && !kind.equals("viewed-together")) {
            problem(exchange, Problem.of(400, "invalid-query", "Invalid query", "the query is not valid")
                    .withErrors(List.of(new FieldError(null, "kind", "must be bought-together or viewed-together"))));
            return;
        }
        Optional<Integer> n = count(exchange, query, "n", 10, MAX_RECOMMENDATIONS);
        if (n.isPresent()) {
            var list = decisions.related(productId, kind, n.get());
            if (list.isPresent()) {
                sendJson(exchange, 200, JSON.createObjectNode().put("productId", productId).put("kind", kind).set("related", JSON.valueToTree(list.get())));
            } else {
                problem(exchange, Problem.of(404, "not-found", "Not found", "no product " + productId + " in the catalogue"));
            }
        }
    }

    /** A whole-number query parameter from 1 to {@code max}, or the default; empty once a 400 naming it has been sent. */
    private static Optional<Integer> count(HttpExchange exchange, Map<String, String> query, String name, int fallback, int max) throws IOException {
        if (!query.containsKey(name)) {
            return Optional.of(fallback);
        }
        int n;
        try {
            n = Integer.parseInt(query.get(name));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > max) {
            problem(exchange, Problem.of(400, "invalid-query", "Invalid query", "the query is not valid")
                    .withErrors(List.of(new FieldError(null, name, "must be a whole number from 1 to " + max))));
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** The request body as JSON (a MissingNode when it is not JSON); null once a 413 has been sent for a body too large. */
    private JsonNode jsonBody(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange);
        if (body == null) {
            problem(exchange, Problem.of(413, "too-large", "Request body too large", "bodies are limited to " + settings.maxBodyBytes() + " bytes"));
            return null;
        }
        try {
            JsonNode tree = JSON.readTree(body);
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    /**
     * Erasure is an event: {@code CustomerErased} on the activity log, in order with the customer's
     * other events, so every service forgets them (and writes its tombstones) when it reads it.
     */
    private void erase(HttpExchange exchange, String customerId) throws Exception {
        String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        if (!Traceparent.isValid(traceparent)) {
            traceparent = Traceparent.newTrace(random);
        }
        var item = ingestion.parse(JSON.writeValueAsString(JSON.createObjectNode().put("type", "CustomerErased")
                .set("data", JSON.createObjectNode().put("customerId", customerId))), traceparent);
        if (!item.isValid()) {
            problem(exchange, Problem.of(400, "invalid-event", "Invalid event", "the customer id is not valid"));
            return;
        }
        publishAll(exchange, List.of(item), false);
    }

    private void messages(HttpExchange exchange, String customerId) throws IOException {
        var body = JSON.createObjectNode().put("customerId", customerId);
        body.set("messages", JSON.valueToTree(customers.messages(customerId, 100)));
        body.set("decisions", JSON.valueToTree(customers.deliveries(customerId, 100)));
        sendJson(exchange, 200, body);
    }

    private void count(String outcome) {
        Counter.builder("heomdm.gateway.events").tag("outcome", outcome).register(metrics).increment();
    }

    private static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static void problem(HttpExchange exchange, Problem p) throws IOException {
        send(exchange, p.status(), "application/problem+json", JSON.writeValueAsBytes(p));
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
