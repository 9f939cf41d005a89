package io.heomdm.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.embedded.TcpProxy;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaEventSubscriber;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.EventCatalog;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.heomdm.storage.PostgresSchema;
import io.heomdm.storage.ProcessedMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reporting database down for longer than the subscriber's retry budget, through a proxy in front
 * of the PostgreSQL the tests use: the projector's writes fail as an outage, so the events wait for
 * the database instead of being dead-lettered, and every order is reported once soon after it is back.
 */
class ReportsDatabaseOutageIT {
    @TempDir
    Path dir;

    @Test
    void anOutageLongerThanTheRetryBudgetParksNothingAndEveryOrderIsReportedOnceWhenTheDatabaseIsBack() throws Exception {
        var target = java.net.URI.create(PostgresSchema.URL.substring("jdbc:".length()));
        try (var schema = PostgresSchema.create("heomdm_reports_outage");
                var proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort()).up();
                var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getPath() + "?currentSchema=" + schema.name();
            var kafkaSettings = KafkaSettings.singleBroker(kafka.bootstrapServers());
            TopicAdmin.ensure(kafkaSettings, MarketTopics.all());
            // two tries: each write waits out the pool's 5 s connection timeout (a batch, then each event alone), so
            // without the outage rule the first order is parked about 25 s into the outage
            var retries = new KafkaEventSubscriber.Retries(2, Duration.ofMillis(50), Duration.ofMillis(200));
            try (var database = Database.open(new DatabaseSettings(viaProxy, PostgresSchema.USER, "", 4));
                    var publisher = new KafkaEventPublisher(kafkaSettings, "reports-outage-it");
                    var subscription = new KafkaEventSubscriber(kafkaSettings, retries).subscribeAsync(
                            ReportingDataflows.consumerGroup(MarketTopics.ACTIVITY), MarketTopics.ACTIVITY,
                            new ReportProjector(new ProcessedMessages(database, InstantSource.system())))) {
                Instant day = Instant.parse("2026-11-25T10:00:00Z");
                proxy.down();
                var sent = new CompletableFuture<?>[2];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = publisher.publish(MarketTopics.ACTIVITY,
                            ReportsContract.event(EventCatalog.ORDER_PLACED, "c-1", ReportsContract.order("c-1", "p-" + i, "1", "2.50"), day));
                }
                CompletableFuture.allOf(sent).get();
                // the outage lasts 40 s: nothing may be parked at any moment of it
                await().during(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(50)).until(() -> subscription.deadLettered() == 0);
                proxy.up();
                long back = System.nanoTime();
                var reports = new Reports(database);
                LocalDate d = LocalDate.parse("2026-11-25");
                await().atMost(Duration.ofSeconds(30)).until(() -> reports.sales(d, d, Reports.SalesBy.PRODUCT).stream()
                        .mapToLong(Reports.Sales::orders).sum() == 2);
                double resumed = (System.nanoTime() - back) / 1e9;
                System.out.printf("reporting database outage: every order reported %.1f s after the database returned%n", resumed);
                assertThat(resumed).as("work resumes within 10 s of the database's return").isLessThan(10);
                assertThat(reports.sales(d, d, Reports.SalesBy.PRODUCT).stream().map(Reports.Sales::revenue).reduce(java.math.BigDecimal.ZERO,
                        java.math.BigDecimal::add)).as("each order once").isEqualByComparingTo("5.00");
                assertThat(subscription.deadLettered()).isZero();
            }
        }
    }
}
