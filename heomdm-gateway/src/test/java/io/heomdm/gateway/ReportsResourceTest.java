package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReportsResourceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    /** Answers one row per report with the range it was asked for. */
    static final ReportQueries ECHO = new ReportQueries() {
        @Override
        public List<SalesRow> sales(LocalDate from, LocalDate to, boolean byCategory) {
            return List.of(new SalesRow(from, byCategory ? "kitchen" : "p-1", "EUR", 1, 3, new BigDecimal("30.00")));
        }

        @Override
        public List<SegmentRow> segments(LocalDate from, LocalDate to) {
            return List.of(new SegmentRow(to, "VIP", 0, 1, 1));
        }

        @Override
        public List<CampaignRow> campaigns(LocalDate from, LocalDate to) {
            return List.of();
        }

        @Override
        public List<DeadLetterRow> deadLetters(LocalDate from, LocalDate to) {
            return List.of();
        }
    };

    @Test
    void aReaderGetsRowsForTheDaysAskedAndEveryBadParameterIsNamedAtOnce() throws Exception {
        try (var nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "reports-test");
                var gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4), withReports(TestBackends.with(nowhere)),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3))) {
            var sales = JSON.readTree(get(gateway, "/v1/reports/sales?from=2026-11-02&to=2026-11-03&by=category", TestBackends.READER).body());
            assertThat(sales.get("from").asText()).isEqualTo("2026-11-02");
            assertThat(sales.get("rows").get(0).get("key").asText()).isEqualTo("kitchen");
            assertThat(sales.get("rows").get(0).get("day").asText()).isEqualTo("2026-11-02");
            var defaults = JSON.readTree(get(gateway, "/v1/reports/segments", TestBackends.READER).body());
            assertThat(LocalDate.parse(defaults.get("from").asText()).plusDays(29)).isEqualTo(LocalDate.parse(defaults.get("to").asText()));

            var bad = get(gateway, "/v1/reports/sales?from=2025-01-01&to=2026-11-03&by=colour", TestBackends.READER);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("by", "from");
            var notADate = get(gateway, "/v1/reports/campaigns?to=yesterday", TestBackends.READER);
            assertThat(JSON.readTree(notADate.body()).get("errors").findValuesAsText("field")).containsExactly("to");
            assertThat(get(gateway, "/v1/reports/dead-letters", TestBackends.SHOP).statusCode()).as("a shop's key reads no reports").isEqualTo(403);
        }
    }

    private static Backends withReports(Backends b) {
        return new Backends(b.ingestion(), b.publisher(), b.customers(), b.analytics(), b.decisions(), b.journeys(), ECHO, b.health(), b.keys(),
                b.keyAdmin(), b.audit(), b.deadLetters(), b.rebuilds(), b.copies(), "");
    }

    private HttpResponse<String> get(Gateway g, String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
