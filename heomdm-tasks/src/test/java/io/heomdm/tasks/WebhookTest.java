package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WebhookTest {
    @Test
    void aSignedCallCarriesAnHmacOfTimeAndBodyThatTheReceiverCanCheck() throws Exception {
        var header = new AtomicReference<String>();
        var body = new AtomicReference<byte[]>();
        var server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            header.set(exchange.getRequestHeaders().getFirst(Webhook.SIGNATURE_HEADER));
            body.set(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            var at = Instant.parse("2026-12-05T10:00:00Z");
            var url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            new Webhook(url, Duration.ofSeconds(5), Optional.of("s3cret"), InstantSource.fixed(at)).post(UUID.randomUUID(), Map.of("to", "+15550100"));
            assertThat(header.get()).startsWith("t=" + at.getEpochSecond() + ",v1=").hasSize(("t=" + at.getEpochSecond() + ",v1=").length() + 64);
            // what a receiver does: recompute over the time it was given and the bytes it got
            assertThat(header.get()).isEqualTo(Webhook.signature("s3cret", at.getEpochSecond(), body.get()));
            assertThat(header.get()).isNotEqualTo(Webhook.signature("other", at.getEpochSecond(), body.get()));

            new Webhook(url, Duration.ofSeconds(5)).post(UUID.randomUUID(), Map.of("to", "+15550100"));
            assertThat(header.get()).as("no secret, no signature").isNull();
        } finally {
            server.stop(0);
        }
    }
}
