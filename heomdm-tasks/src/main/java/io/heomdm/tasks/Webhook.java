package io.heomdm.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A JSON POST to a configured HTTP endpoint (an SMS or push gateway, a CRM). The task's eventId
 * goes in the {@code Idempotency-Key} header, so an endpoint that deduplicates repeats nothing
 * even when a crash makes HEOMDM call twice. With a signing secret, {@code Heomdm-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">} lets the receiver check that the call is
 * ours and recent (as Stripe signs its webhooks). Thread-safe.
 */
public final class Webhook {
    public static final String SIGNATURE_HEADER = "Heomdm-Signature";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final Duration timeout;
    private final HttpClient http;
    private final Optional<String> signingSecret;
    private final InstantSource clock;
    private final Dependency endpoint;

    public Webhook(URI url, Duration timeout) {
        this(url, timeout, Optional.empty(), InstantSource.system());
    }

    public Webhook(URI url, Duration timeout, Optional<String> signingSecret, InstantSource clock) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.signingSecret = signingSecret;
        this.clock = clock;
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        this.endpoint = new Dependency("webhook " + url.getHost() + ":" + port, url.getHost(), port, e -> !(e instanceof Refused));
    }

    /** The endpoint, whose outages hold the tasks that call it in their queue. */
    public Dependency endpoint() {
        return endpoint;
    }

    /** The signature header's value for a body sent at {@code epochSecond}. */
    public static String signature(String secret, long epochSecond, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSecond + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The endpoint refused the call for good (a 4xx other than 408 and 429): retrying cannot help. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * Posts {@code body}; returns normally on 2xx, throws {@link Refused} on a permanent refusal,
     * and {@link IOException} for anything worth a retry (5xx, 408, 429, no answer).
     */
    public void post(UUID idempotencyKey, Map<String, ?> body) throws Exception {
        endpoint.call(() -> {
            send(idempotencyKey, body);
            return null;
        });
    }

    private void send(UUID idempotencyKey, Map<String, ?> body) throws IOException, InterruptedException, Refused {
        byte[] bytes = JSON.writeValueAsBytes(body);
        var builder = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey.toString());
        signingSecret.ifPresent(secret -> builder.header(SIGNATURE_HEADER, signature(secret, clock.instant().getEpochSecond(), bytes)));
        var request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String detail = url + " answered " + status + ": " + abbreviate(response.body());
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            throw new Refused(detail);
        }
        throw new IOException(detail);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
