package io.heomdm.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A JSON POST to a configured HTTP endpoint (an SMS or push gateway, a CRM). The task's eventId
 * goes in the {@code Idempotency-Key} header, so an endpoint that deduplicates repeats nothing
 * even when a crash makes HEOMDM call twice. Thread-safe.
 */
public final class Webhook {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final Duration timeout;
    private final HttpClient http;

    public Webhook(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
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
    public void post(UUID idempotencyKey, Map<String, ?> body) throws IOException, InterruptedException, Refused {
        var request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey.toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
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
