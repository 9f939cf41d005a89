package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedKafkaCluster;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two of three brokers down (replication 3, min.insync 2): no write is acknowledged, the API answers
 * 503 within its acknowledgement deadline instead of hanging, and takes writes again by itself once
 * the brokers are back.
 */
class QuorumLossIT {
    private static final Duration ACK_DEADLINE = Duration.ofSeconds(3);

    @Test
    void withTwoOfThreeBrokersDownNothingIsAcknowledgedThe503IsPromptAndWritesResumeWhenTheyReturn(@TempDir Path dir) throws Exception {
        try (var cluster = EmbeddedKafkaCluster.start(dir, 3, "384m")) {
            var kafka = new KafkaSettings(cluster.bootstrapServers(), Map.of(), ACK_DEADLINE, (short) 3, 2);
            TopicAdmin.ensure(kafka, MarketTopics.all());
            try (var publisher = new KafkaEventPublisher(kafka, "quorum-it");
                    var gateway = GatewayIT.gateway(GatewaySettings.local(0, 10_000, 5, ACK_DEADLINE, 4), publisher)) {
                var http = HttpClient.newHttpClient();
                URI events = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/events");
                await().atMost(Duration.ofSeconds(60)).until(() -> post(http, events).statusCode() == 202);

                List<Integer> down = cluster.nodeIds().subList(1, 3);
                down.forEach(cluster::kill);
                for (int i = 0; i < 3; i++) {
                    long sent = System.nanoTime();
                    var answer = post(http, events);
                    double seconds = (System.nanoTime() - sent) / 1e9;
                    assertThat(answer.statusCode()).as("with one broker of three: %s", answer.body()).isEqualTo(503);
                    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                    assertThat(seconds).as("answered within the acknowledgement deadline").isLessThan(ACK_DEADLINE.toSeconds() + 2.0);
                }

                down.forEach(cluster::restart);
                long back = System.nanoTime();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> post(http, events).statusCode() == 202);
                System.out.printf("quorum loss: writes acknowledged again %.1f s after the brokers were restarted%n", (System.nanoTime() - back) / 1e9);
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, URI events) throws Exception {
        return http.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestBackends.SHOP).POST(HttpRequest.BodyPublishers.ofString(GatewayIT.ORDER)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
