package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.LogPosition;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.Envelope;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fuzz tests drive: one raw HTTP request, built from the fuzzer's bytes (method, route,
 * path parameter, key, content type, headers, body), written to a real gateway over a socket.
 * Whatever the input, the answer must come, with a documented status, and every error must be
 * problem+json. The event log is an in-memory stand-in that acknowledges at once: what is
 * fuzzed is the HTTP layer and the payload mapping, not Kafka.
 */
final class HttpFuzzTarget implements AutoCloseable {
    /** The API's statuses, and Jetty's for malformed HTTP (414 URI too long, 431 headers too large, 505 no HTTP version in the request line). */
    static final Set<Integer> DOCUMENTED = Set.of(200, 201, 202, 204, 400, 401, 403, 404, 405, 408, 409, 413, 414, 415, 421, 429, 431, 503, 505);
    private static final List<String> METHODS = List.of("POST", "GET", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "BREW");
    private static final List<String> ROUTES = List.of("/v1/events", "/v1/customers/%s", "/v1/customers/%s/messages", "/v1/segments",
            "/v1/segments/%s/members", "/v1/products/%s/price", "/v1/products/%s/related", "/v1/pricing/approve", "/v1/journeys",
            "/health", "/metrics", "/docs/%s", "/v1/audit", "/%s");
    private static final List<String> KEYS = List.of(TestBackends.ADMIN, TestBackends.SHOP, TestBackends.READER, "hk_x", "");
    private static final List<String> TYPES = List.of("application/json", "application/x-ndjson", "application/json; charset=utf-8", "text/plain", "");

    final AtomicLong published = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    private final Gateway gateway;

    HttpFuzzTarget() {
        EventPublisher memory = new EventPublisher() {
            @Override
            public CompletableFuture<LogPosition> publish(TopicSpec topic, Envelope envelope, byte[] payload) {
                return CompletableFuture.completedFuture(new LogPosition(topic.name(), 0, published.getAndIncrement()));
            }

            @Override
            public CompletableFuture<LogPosition> delete(TopicSpec topic, String key) {
                return publish(topic, null, null);
            }

            @Override
            public void close() {
            }
        };
        gateway = new Gateway(GatewaySettings.local(0, 64 * 1024, 50, Duration.ofSeconds(2), 8)
                .withLimits(GatewaySettings.Limits.defaults().withRate(1_000_000, 1_000_000).withFailedKeys(1_000_000)), TestBackends.with(memory),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(5));
    }

    void request(FuzzedDataProvider data) throws IOException {
        String method = data.pickValue(METHODS);
        String route = data.pickValue(ROUTES);
        // line breaks would frame a second request in the bytes (Jetty's parser, not the API, would be under test)
        String param = unbroken(data.consumeString(40), "%0A");
        String path = route.contains("%s") ? route.replace("%s", param) : route;
        String query = data.consumeBoolean() ? "?" + unbroken(data.consumeString(40), "%0A") : "";
        String key = data.pickValue(KEYS);
        String type = data.pickValue(TYPES);
        String extraHeader = data.consumeBoolean() ? unbroken(data.consumeString(60), " ") : null;
        byte[] body = data.consumeRemainingAsBytes();
        var head = new StringBuilder(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (!key.isEmpty()) {
            head.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        if (!type.isEmpty()) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        if (extraHeader != null) {
            head.append("X-Fuzz: ").append(extraHeader).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        String answer = exchange(head.toString().getBytes(StandardCharsets.UTF_8), body);
        requests.incrementAndGet();
        assertThat(answer).as("an answer, not a dropped connection").startsWith("HTTP/1.1 ");
        int status = Integer.parseInt(answer.substring(9, 12));
        assertThat(status).as("a documented status for " + method + " " + path).isIn(DOCUMENTED);
        if (status >= 400 && !method.equals("HEAD")) {
            assertThat(answer).as(status + " as a problem").contains("application/problem+json");
        }
    }

    private static String unbroken(String s, String replacement) {
        return s.replace("\r", replacement).replace("\n", replacement);
    }

    private String exchange(byte[] head, byte[] body) throws IOException {
        // the target connects to the gateway under test, and only there (Jazzer's SSRF detector watches every connect)
        try (var allowed = BugDetectors.allowNetworkConnections((host, port) -> port == gateway.port());
                var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head);
            try {
                socket.getOutputStream().write(body);
            } catch (IOException e) {
                // the server may answer (413, 400) and close before reading the whole body: the answer is what counts
            }
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            try {
                while ((n = socket.getInputStream().read(buf)) > 0 && out.size() < 4096) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // a reset after the answer was read
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
