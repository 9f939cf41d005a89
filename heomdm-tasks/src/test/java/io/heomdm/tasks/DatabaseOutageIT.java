package io.heomdm.tasks;

import io.heomdm.storage.PostgresSchema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.embedded.TcpProxy;
import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.storage.BillingLedger;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.storage.TaskOutcomes;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database down for longer than the tasks' retry budget would last: through a proxy in front of
 * the PostgreSQL the tests use (in a {@link PostgresSchema} of its own), closed and
 * opened again. With the database's circuit breaker the workers stop taking tasks: none is parked,
 * and every charge is booked once soon after the database is back.
 */
class DatabaseOutageIT {
    @TempDir
    Path dir;

    @Test
    void aDatabaseOutageLongerThanTheRetryBudgetParksNothingAndEveryChargeIsBookedOnceWhenItIsBack() throws Exception {
        var target = java.net.URI.create(PostgresSchema.URL.substring("jdbc:".length()));
        try (var schema = PostgresSchema.create("heomdm_outage");
                var proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort()).up();
                var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var sqs = EmbeddedSqs.start(0, Optional.empty())) {
            String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getPath() + "?currentSchema=" + schema.name();
            var kafkaSettings = KafkaSettings.singleBroker(kafka.bootstrapServers());
            TopicAdmin.ensure(kafkaSettings, MarketTopics.all());
            try (var database = Database.open(new DatabaseSettings(viaProxy, PostgresSchema.USER, "", 4));
                    var publisher = new KafkaEventPublisher(kafkaSettings, "db-outage-it");
                    var queue = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(1))) {
                // three receives, 100 ms to 1 s apart: without the breaker an outage of seconds parks every task
                var spec = new QueueSpec<>("it-db-outage.fifo", EventCatalog.RECORD_BILLING_CHARGE, true, Duration.ofSeconds(30), 3);
                queue.declare(spec);
                var clock = InstantSource.system();
                var breaker = NeedsDatabase.dependency(viaProxy).orElseThrow();
                var handler = new NeedsDatabase<>(new BillingHandler(new ProcessedMessages(database, clock),
                        new TaskOutcomeLog(new TaskOutcomes(database), publisher, TaskOutcomeLog.dependency(() -> true), clock), clock), breaker);
                var ids = new EventIds(clock, new SplittableRandom(7));
                List<Event<RecordBillingCharge>> charges = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String account = "acct-" + (i % 5);
                    var id = ids.next();
                    charges.add(new Event<>(new Envelope(id, "RecordBillingCharge", 1, account, Instant.now(), id.toString(), null, null),
                            RecordBillingCharge.newBuilder().setChargeId("outage-" + i).setAccountId(account).setAmount(new BigDecimal("1.25"))
                                    .setCurrency("EUR").setDescription("usage").build()));
                }
                proxy.down();
                queue.sendAll(spec, charges).get();
                try (var worker = queue.startWorker(spec, handler, LedgerAndCrmIT.FAST_RETRIES)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> breaker.state() == CircuitBreaker.State.OPEN);
                    // the outage goes on for 15 s more: nothing may be parked at any moment of it (a look at the
                    // dead letters takes a second: its receive waits that long on an empty queue)
                    await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(25)).until(() -> queue.deadLetters().show(spec, 50).isEmpty());
                    proxy.up();
                    long back = System.nanoTime();
                    var ledger = new BillingLedger(database);
                    await().atMost(Duration.ofSeconds(60)).until(() -> {
                        long booked = 0;
                        for (int a = 0; a < 5; a++) {
                            booked += ledger.charges("acct-" + a);
                        }
                        return booked == 20;
                    });
                    System.out.printf("database outage: every charge booked %.1f s after the database returned%n", (System.nanoTime() - back) / 1e9);
                    for (int a = 0; a < 5; a++) {
                        assertThat(ledger.balance("acct-" + a)).as("acct-" + a + ", each charge once").isEqualByComparingTo("5.00");
                    }
                    assertThat(queue.deadLetters().show(spec, 50)).isEmpty();
                }
            }
        }
    }
}
