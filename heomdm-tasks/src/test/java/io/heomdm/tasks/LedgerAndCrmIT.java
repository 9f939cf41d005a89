package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.events.schema.UpdateCrmRecord;
import io.heomdm.storage.BillingLedger;
import io.heomdm.storage.CrmRecords;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.storage.TaskOutcomes;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.WorkerSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRM and billing workers on real ElasticMQ FIFO queues, H2 and Kafka. */
class LedgerAndCrmIT {
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static EmbeddedSqs sqs;
    static Database database;
    static KafkaEventPublisher publisher;
    static SqsTaskQueue queue;
    static TaskOutcomeLog outcomes;
    static ProcessedMessages processed;
    final EventIds ids = new EventIds(InstantSource.system(), new SplittableRandom(5));
    /** Retries 100 ms to 1 s apart: a retry budget that an outage of seconds would use up. */
    static final WorkerSettings FAST_RETRIES = new WorkerSettings(4, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofMillis(300), true, Duration.ofMinutes(5));
    static final WorkerSettings SETTINGS = WorkerSettings.defaults().withConcurrency(4).withLongPoll(Duration.ofSeconds(1));

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        var kafkaSettings = KafkaSettings.singleBroker(kafka.bootstrapServers());
        TopicAdmin.ensure(kafkaSettings, MarketTopics.all());
        publisher = new KafkaEventPublisher(kafkaSettings, "tasks-it");
        sqs = EmbeddedSqs.start(0, Optional.empty());
        queue = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(1));
        TaskQueues.all().forEach(queue::declare);
        var h2 = EmbeddedDatabase.inDirectory(dir.resolve("db"));
        database = Database.open(new DatabaseSettings(h2.jdbcUrl(), h2.user(), h2.password(), 10));
        processed = new ProcessedMessages(database, InstantSource.system());
        outcomes = outcomeLog(publisher);
    }

    @AfterAll
    static void stop() {
        queue.close();
        sqs.close();
        publisher.close();
        database.close();
        kafka.close();
    }

    @Test
    void concurrentChargesWithDuplicateSendsSumExactlyPerAccount() throws Exception {
        var random = new SplittableRandom(42);
        Map<String, BigDecimal> expected = new HashMap<>();
        List<Event<RecordBillingCharge>> sends = new ArrayList<>();
        for (int account = 0; account < 30; account++) {
            String accountId = "acct-" + account;
            for (int n = 0; n < 8; n++) {
                var amount = BigDecimal.valueOf(random.nextInt(1, 100_000), 2);
                expected.merge(accountId, amount, BigDecimal::add);
                var charge = RecordBillingCharge.newBuilder().setChargeId(accountId + "-charge-" + n).setAccountId(accountId)
                        .setAmount(amount).setCurrency("EUR").setDescription("usage").build();
                var first = task("RecordBillingCharge", accountId, charge);
                sends.add(first);
                sends.add(first); // the same task sent twice: the FIFO queue's deduplication
                sends.add(task("RecordBillingCharge", accountId, charge)); // the same charge under a new task id: the ledger's key
            }
        }
        queue.sendAll(TaskQueues.BILLING, sends).get();
        var handler = new BillingHandler(processed, outcomes, InstantSource.system());
        var ledger = new BillingLedger(database);
        try (var a = queue.startWorker(TaskQueues.BILLING, handler, SETTINGS); var b = queue.startWorker(TaskQueues.BILLING, handler, SETTINGS)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> queue.depth(TaskQueues.BILLING).equals(new io.heomdm.taskqueue.TaskQueue.QueueDepth(0, 0)));
        }
        for (var e : expected.entrySet()) {
            assertThat(ledger.balance(e.getKey())).as(e.getKey()).isEqualByComparingTo(e.getValue());
            assertThat(ledger.charges(e.getKey())).isEqualTo(8);
        }
    }

    /**
     * A charge recorded on its last try while the log refuses its outcome: the task is done, only not
     * told, so the try is the log's outage (tried again in seconds, never parked or told failed), and
     * the next try publishes the outcome without charging again.
     */
    @Test
    void aDoneTaskWhoseOutcomeTheLogRefusesIsTheLogsOutageNotTheTasksFailure() throws Exception {
        var refusing = refusingWith(new org.apache.kafka.common.errors.TimeoutException("tasks.outcomes.v1 not present in metadata after 3000 ms"));
        var charge = task("RecordBillingCharge", "acct-log-down", RecordBillingCharge.newBuilder().setChargeId("acct-log-down-1")
                .setAccountId("acct-log-down").setAmount(new BigDecimal("12.50")).setCurrency("EUR").setDescription("usage").build());
        var lastTry = new io.heomdm.taskqueue.ReceivedTask<>(charge, TaskQueues.BILLING.maxReceiveCount());
        var result = new BillingHandler(processed, outcomeLog(refusing),
                InstantSource.system()).handle(lastTry);
        assertThat(result).isInstanceOfSatisfying(io.heomdm.taskqueue.TaskResult.Retry.class, r -> {
            assertThat(r.outage()).as("the log's outage, so the last try parks nothing").isTrue();
            assertThat(r.delay()).isEqualTo(TaskOutcomeLog.OUTCOME_RETRY);
            assertThat(r.reason()).startsWith("done; its outcome not published yet").contains("not present in metadata");
        });
        // refused for good (not a log that is down): the try fails as any other, to be parked when the tries run out
        var forbidding = refusingWith(new org.apache.kafka.common.errors.TopicAuthorizationException("not authorized on tasks.outcomes.v1"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BillingHandler(processed,
                outcomeLog(forbidding), InstantSource.system()).handle(lastTry))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        var next = new io.heomdm.taskqueue.ReceivedTask<>(charge, TaskQueues.BILLING.maxReceiveCount() + 1);
        assertThat(new BillingHandler(processed, outcomes, InstantSource.system()).handle(next)).isInstanceOf(io.heomdm.taskqueue.TaskResult.Done.class);
        assertThat(new BillingLedger(database).balance("acct-log-down")).isEqualByComparingTo("12.50");
        assertThat(new BillingLedger(database).charges("acct-log-down")).isEqualTo(1);
    }

    /** The outcomes of tasks on {@code publisher}'s log, behind a breaker whose probe finds the log always back. */
    private static TaskOutcomeLog outcomeLog(io.heomdm.eventlog.EventPublisher publisher) {
        return new TaskOutcomeLog(new TaskOutcomes(database), publisher, TaskOutcomeLog.dependency(() -> true), InstantSource.system());
    }

    /** A log that answers every publish with {@code error}. */
    private static io.heomdm.eventlog.EventPublisher refusingWith(RuntimeException error) {
        return new io.heomdm.eventlog.EventPublisher() {
            @Override
            public java.util.concurrent.CompletableFuture<io.heomdm.eventlog.LogPosition> publish(io.heomdm.eventlog.TopicSpec topic,
                    io.heomdm.events.Envelope envelope, byte[] payload) {
                return java.util.concurrent.CompletableFuture.failedFuture(error);
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.heomdm.eventlog.LogPosition> delete(io.heomdm.eventlog.TopicSpec topic, String key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void crmUpdatesOfOneCustomerAreAppliedInOrder() throws Exception {
        List<Event<UpdateCrmRecord>> sends = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            for (String customer : List.of("crm-a", "crm-b", "crm-c")) {
                sends.add(task("UpdateCrmRecord", customer, UpdateCrmRecord.newBuilder().setCustomerId(customer)
                        .setFields(Map.of("step", String.valueOf(i), "history", customer + "-" + i)).build()));
            }
        }
        queue.sendAll(TaskQueues.CRM_UPDATES, sends).get();
        var applied = new java.util.concurrent.ConcurrentHashMap<String, List<Integer>>();
        var crm = new CrmUpdateHandler(processed, Optional.empty(), outcomes, InstantSource.system());
        io.heomdm.taskqueue.TaskHandler<UpdateCrmRecord> recording = t -> {
            applied.computeIfAbsent(t.event().payload().getCustomerId(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(t.event().payload().getFields().get("step")));
            return crm.handle(t);
        };
        try (var a = queue.startWorker(TaskQueues.CRM_UPDATES, recording, SETTINGS);
                var b = queue.startWorker(TaskQueues.CRM_UPDATES, recording, SETTINGS)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> queue.depth(TaskQueues.CRM_UPDATES).equals(new io.heomdm.taskqueue.TaskQueue.QueueDepth(0, 0)));
        }
        var records = new CrmRecords(database);
        for (String customer : List.of("crm-a", "crm-b", "crm-c")) {
            assertThat(applied.get(customer)).isSorted().hasSize(25);
            assertThat(records.fields(customer)).containsEntry("step", "24").containsEntry("history", customer + "-24");
        }
    }

    @Test
    void smsGoesToItsWebhookOnceWhateverTheRedeliveriesAndARefusalIsPoison() throws Exception {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        var status = new java.util.concurrent.atomic.AtomicInteger(503);
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/sms", exchange -> {
            calls.add(exchange.getRequestHeaders().getFirst("Idempotency-Key") + " " + new String(exchange.getRequestBody().readAllBytes()));
            int code = calls.size() == 1 ? status.get() : (status.get() == 400 ? 400 : 204);
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.start();
        try {
            var handler = smsHandler(server);
            var sms = notification(io.heomdm.events.schema.Channel.SMS, "c-sms", "+15550100", "o-5");
            // first delivery: the gateway answers 503, so the task is retried, not lost
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler.handle(new io.heomdm.taskqueue.ReceivedTask<>(sms, 1)))
                    .hasMessageContaining("503");
            // second and third deliveries: sent once, then deduplicated
            assertThat(handler.handle(new io.heomdm.taskqueue.ReceivedTask<>(sms, 2))).isInstanceOf(io.heomdm.taskqueue.TaskResult.Done.class);
            assertThat(handler.handle(new io.heomdm.taskqueue.ReceivedTask<>(sms, 3))).isInstanceOf(io.heomdm.taskqueue.TaskResult.Done.class);
            assertThat(calls).hasSize(2).allSatisfy(c -> assertThat(c).startsWith(sms.envelope().eventId().toString()).contains("+15550100"));

            status.set(400);
            calls.clear();
            var refused = task("SendNotification", "c-sms", sms.payload());
            assertThat(handler.handle(new io.heomdm.taskqueue.ReceivedTask<>(refused, 1))).isInstanceOf(io.heomdm.taskqueue.TaskResult.Poison.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aNotificationOutOfAttemptsIsParkedAndATaskFailedTellsTheSagas() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/sms", exchange -> { // the SMS gateway is down for the whole test
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        var spec = new io.heomdm.taskqueue.QueueSpec<>("it-out-of-attempts", io.heomdm.events.EventCatalog.SEND_NOTIFICATION, false,
                Duration.ofSeconds(30), 2);
        queue.declare(spec);
        var handler = smsHandler(server);
        var sms = notification(io.heomdm.events.schema.Channel.SMS, "c-exhausted", "+15550101", "o-6");
        try (var worker = queue.startWorker(spec, handler, FAST_RETRIES);
                var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "it-out-of-attempts", "auto.offset.reset", "earliest"), new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            queue.send(spec, sms).get(10, java.util.concurrent.TimeUnit.SECONDS);
            consumer.subscribe(List.of(MarketTopics.TASK_OUTCOMES.name()));
            List<io.heomdm.events.schema.TaskFailed> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    var type = r.headers().lastHeader(io.heomdm.events.EnvelopeMapping.TYPE);
                    if (type != null && new String(type.value(), java.nio.charset.StandardCharsets.UTF_8).startsWith("TaskFailed.v")) {
                        var f = io.heomdm.events.AvroCodec.decode(io.heomdm.events.EventCatalog.TASK_FAILED, r.value());
                        if (f.getTaskEventId().equals(sms.envelope().eventId().toString())) {
                            failed.add(f);
                        }
                    }
                }
                return !failed.isEmpty() && queue.deadLetters().show(spec, 10).size() == 1;
            });
            assertThat(failed).singleElement().satisfies(f -> {
                assertThat(f.getAttempts()).isEqualTo(2);
                assertThat(f.getError()).startsWith("out of attempts; last: ").contains("503");
                assertThat(f.getTaskKey()).isEqualTo("c-exhausted");
            });
        } finally {
            server.stop(0);
        }
    }

    /**
     * The SMTP server down for far longer than the tasks' retries would last (3 receives, backoff of
     * at most 1 s): its circuit breaker opens, the worker stops receiving, nothing is dead-lettered,
     * and when the server is back every e-mail goes out once, within seconds.
     */
    @Test
    void anSmtpOutageLongerThanTheRetryBudgetDeadLettersNothingAndEveryMailGoesOutOnceWhenItIsBack() throws Exception {
        int port = freePort(); // nothing listens there: the service is down
        var spec = new io.heomdm.taskqueue.QueueSpec<>("it-smtp-outage", io.heomdm.events.EventCatalog.SEND_NOTIFICATION, false,
                Duration.ofSeconds(30), 3);
        queue.declare(spec);
        var mailer = new SmtpMailer(new SmtpSettings("127.0.0.1", port, "shop@example.com", Optional.empty(), Optional.empty(), false));
        var handler = new NotificationHandler(mailer, Map.of(), new NotificationTemplates(), processed, outcomes, InstantSource.system());
        List<Event<io.heomdm.events.schema.SendNotification>> mails = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            mails.add(notification(io.heomdm.events.schema.Channel.EMAIL, "c-outage-" + i, "c" + i + "@example.com", "o-" + i));
        }
        queue.sendAll(spec, mails).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try (var worker = queue.startWorker(spec, handler, FAST_RETRIES)) {
            // the server is down (nothing listens on the port) for 10 s: without the breaker every task would be parked in ~3 s
            await().atMost(Duration.ofSeconds(10)).until(() -> mailer.server().orElseThrow().state()
                    == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
            // the outage itself, 10 s: nothing may be parked at any moment of it
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).until(() -> queue.deadLetters().show(spec, 50).isEmpty());
            try (var smtp = io.heomdm.embedded.EmbeddedSmtp.start(port)) {
                long back = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).until(() -> smtp.receivedMessages().size() >= 30);
                double resumedSeconds = (System.nanoTime() - back) / 1e9;
                System.out.printf("SMTP outage: all 30 mails out %.1f s after the server returned%n", resumedSeconds);
                assertThat(resumedSeconds).as("every mail out within 10 s of the return").isLessThan(10);
                // a mail sent twice would show up within this second
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> smtp.receivedMessages().size() == 30);
                assertThat(smtp.receivedMessages()).hasSize(30);
                var recipients = new java.util.HashSet<String>();
                for (var m : smtp.receivedMessages()) {
                    recipients.add(m.getAllRecipients()[0].toString());
                }
                assertThat(recipients).hasSize(30);
            }
            assertThat(queue.deadLetters().show(spec, 50)).isEmpty();
        }
    }

    /**
     * The SMS gateway's webhook endpoint away (nothing listening on its port) for far longer than the
     * tasks' retries would last: its breaker opens, nothing is parked, and when it is back every SMS is
     * posted once (one Idempotency-Key each), within seconds.
     */
    @Test
    void aWebhookOutageLongerThanTheRetryBudgetDeadLettersNothingAndEverySmsIsPostedOnceWhenItIsBack() throws Exception {
        int port = freePort(); // nothing listens there: the service is down
        var spec = new io.heomdm.taskqueue.QueueSpec<>("it-webhook-outage", io.heomdm.events.EventCatalog.SEND_NOTIFICATION, false,
                Duration.ofSeconds(30), 3);
        queue.declare(spec);
        var webhook = new Webhook(java.net.URI.create("http://127.0.0.1:" + port + "/sms"), Duration.ofSeconds(5));
        var handler = new NotificationHandler((to, content) -> "unused", Map.of(io.heomdm.events.schema.Channel.SMS, webhook),
                new NotificationTemplates(), processed, outcomes, InstantSource.system());
        List<Event<io.heomdm.events.schema.SendNotification>> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            texts.add(notification(io.heomdm.events.schema.Channel.SMS, "c-sms-outage-" + i, "+1555020" + String.format("%02d", i), "o-" + i));
        }
        queue.sendAll(spec, texts).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try (var worker = queue.startWorker(spec, handler, FAST_RETRIES)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> webhook.endpoint().state()
                    == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
            // the outage itself, 10 s: without the breaker every task would be parked in ~3 s
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).until(() -> queue.deadLetters().show(spec, 50).isEmpty());
            List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
            var gateway = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 0);
            gateway.createContext("/sms", exchange -> {
                keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            long back = System.nanoTime();
            gateway.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> keys.size() >= 30);
                double resumedSeconds = (System.nanoTime() - back) / 1e9;
                System.out.printf("webhook outage: all 30 SMS posted %.1f s after the endpoint returned%n", resumedSeconds);
                assertThat(resumedSeconds).as("every SMS posted within 10 s of the return").isLessThan(10);
                // an SMS posted twice would show up within this second
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> keys.size() == 30);
                assertThat(new java.util.HashSet<>(keys)).as("one post per task").hasSize(30)
                        .isEqualTo(texts.stream().map(t -> t.envelope().eventId().toString()).collect(java.util.stream.Collectors.toSet()));
            } finally {
                gateway.stop(0);
            }
            assertThat(queue.deadLetters().show(spec, 50)).isEmpty();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (var free = new java.net.ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** A notification task from the order-confirmation template. */
    private Event<io.heomdm.events.schema.SendNotification> notification(io.heomdm.events.schema.Channel channel, String customer, String recipient,
            String orderId) {
        return task("SendNotification", customer, io.heomdm.events.schema.SendNotification.newBuilder().setCustomerId(customer)
                .setChannel(channel).setRecipient(recipient).setTemplate("order-confirmation")
                .setVariables(Map.of("orderId", orderId, "total", "5.00", "currency", "EUR", "itemCount", "1")).build());
    }

    /** The notification handler with SMS going to {@code server}'s {@code /sms}. */
    private static NotificationHandler smsHandler(com.sun.net.httpserver.HttpServer server) {
        var webhook = new Webhook(java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sms"), Duration.ofSeconds(5));
        return new NotificationHandler((to, content) -> "unused", Map.of(io.heomdm.events.schema.Channel.SMS, webhook),
                new NotificationTemplates(), processed, outcomes, InstantSource.system());
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Event<T> task(String type, String key, T payload) {
        var id = ids.next();
        return new Event<>(new Envelope(id, type, 1, key, Instant.now(), id.toString(), null, null), payload);
    }
}
