package io.heomdm.app;

import io.heomdm.app.catalog.CatalogDocument;
import io.heomdm.reporting.Reports;
import io.heomdm.decisions.OrderConfirmation;
import io.heomdm.campaigns.CampaignsTopics;
import io.heomdm.campaigns.BudgetSaga;
import io.heomdm.campaigns.DeliveryDispatcher;
import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.embedded.EmbeddedSmtp;
import io.heomdm.eventlog.EventDeadLetters;
import io.heomdm.eventlog.EventSubscriber;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaEventSubscriber;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.Channel;
import io.heomdm.gateway.Backends;
import io.heomdm.storage.ApiKeys;
import io.heomdm.storage.AuditLog;
import io.heomdm.gateway.EventIngestion;
import io.heomdm.gateway.Gateway;
import io.heomdm.gateway.GatewaySettings;
import io.heomdm.gateway.HealthCheck;
import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.storage.OutboxRelay;
import io.heomdm.storage.CustomerMessages;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.storage.TaskOutcomes;
import io.heomdm.taskqueue.KafkaShareTaskQueue;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.taskqueue.WorkerSettings;
import io.heomdm.tasks.BillingHandler;
import io.heomdm.tasks.CrmUpdateHandler;
import io.heomdm.tasks.Dependency;
import io.heomdm.tasks.NeedsDatabase;
import io.heomdm.tasks.NotificationHandler;
import io.heomdm.tasks.NotificationTemplates;
import io.heomdm.tasks.SmtpMailer;
import io.heomdm.tasks.TaskOutcomeLog;
import io.heomdm.tasks.Webhook;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import io.heomdm.app.StagedShutdown.Stage;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: starts what the configuration asks to run embedded, wires every service
 * of this process to Kafka, SQS, the database and SMTP, and serves the API. Closing it stops
 * everything in reverse order.
 */
public final class Platform implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("heomdm");
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration OUTBOX_INTERVAL = Duration.ofMillis(100);
    private static final Duration OUTBOX_PUBLISH_TIMEOUT = Duration.ofSeconds(15);

    private final StagedShutdown shutdown = new StagedShutdown();
    private Servers servers;
    private Database database;
    private Gateway gateway;
    private ApiKeys keys;

    private Platform() {
    }

    /** Stops what started, stage by stage. */
    @Override
    public void close() {
        shutdown.close();
    }

    public static Platform start(HeomdmConfig config) {
        return start(config, InstantSource.system());
    }

    /** With the clock every service reads, so that a test can move time instead of waiting for it. */
    public static Platform start(HeomdmConfig config, InstantSource clock) {
        var platform = new Platform();
        try {
            platform.boot(config, clock, new java.util.Random()); // shared by threads: java.util.Random is thread-safe
            return platform;
        } catch (RuntimeException | Error e) {
            platform.close();
            throw e;
        }
    }

    private void boot(HeomdmConfig config, InstantSource clock, RandomGenerator random) {
        long started = System.nanoTime();
        Path data = Path.of(config.dataDir()).toAbsolutePath().normalize();
        log.info("HEOMDM starting; data in {}", data);

        servers = Servers.start(config, data, shutdown);
        String kafkaBootstrap = servers.kafkaBootstrap();
        boolean sqsUsed = !config.tasks().onKafka();

        DatabaseSettings dbSettings = databaseSettings(config);
        long t = System.nanoTime();
        database = Database.open(dbSettings);
        shutdown.add(Stage.DATABASE, "database", database);
        log.info("  Database  ready  {}  ({}, migrated, {} ms)", redact(dbSettings.jdbcUrl()),
                config.database().embedded() ? "embedded H2" : "external", millisSince(t));

        var kafkaSettings = Settings.kafka(config, kafkaBootstrap);
        var created = TopicAdmin.ensure(kafkaSettings, MarketTopics.all());
        log.info("  Topics    ready  {} ({} created)", MarketTopics.all().stream().map(s -> s.name()).toList(), created.size());

        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<HealthCheck> healthChecks = new java.util.ArrayList<>();
        TaskQueue taskQueue;
        if (sqsUsed) {
            var sqsQueue = new SqsTaskQueue(Settings.sqs(config, servers.sqsEndpoint()), random, metrics);
            healthChecks.add(HealthCheck.of("sqs", () -> succeeds(sqsQueue.client().listQueues(b -> b.maxResults(1)))));
            taskQueue = sqsQueue;
        } else {
            taskQueue = new KafkaShareTaskQueue(Settings.kafkaShare(config, kafkaBootstrap), metrics);
        }
        shutdown.add(Stage.CLIENTS, "task queue", taskQueue);
        TaskQueues.all().forEach(taskQueue::declare);
        log.info("  Queues    ready  {} ({}, each with dead letters)", TaskQueues.all().stream().map(q -> q.name()).toList(),
                sqsUsed ? "SQS" : "Kafka share groups");

        var publisher = new KafkaEventPublisher(kafkaSettings, "heomdm");
        shutdown.add(Stage.CLIENTS, "publisher", publisher);
        EventSubscriber subscriber = new KafkaEventSubscriber(kafkaSettings);
        watched(healthChecks, OrderConfirmation.CONSUMER_GROUP,
                subscriber.subscribeAsync(OrderConfirmation.CONSUMER_GROUP, MarketTopics.ACTIVITY, new OrderConfirmation(taskQueue, clock)));
        SmtpMailer mailer;
        try {
            mailer = new SmtpMailer(servers.smtp());
        } catch (jakarta.mail.internet.AddressException e) {
            throw new ConfigLoader.ConfigException(List.of("smtp.from: not an e-mail address: " + e.getMessage()));
        }
        shutdown.add(Stage.CLIENTS, "mailer", mailer);
        var processed = new ProcessedMessages(database, clock);
        // what services wrote with their state changes goes out from here (the campaign dispatcher's tasks, its deferred decisions)
        var relay = new OutboxRelay(database, OutboxDestinations.of(publisher, taskQueue), clock, OUTBOX_PUBLISH_TIMEOUT).start(OUTBOX_INTERVAL);
        shutdown.add(Stage.RELAYS, "outbox relay", relay);
        healthChecks.add(HealthCheck.of("outbox", relay::isRunning, relay::buried));
        var outcomeLog = new TaskOutcomeLog(new TaskOutcomes(database), publisher, clock);
        var workerSettings = WorkerSettings.defaults().withConcurrency(config.workers().concurrency());
        // every handler records its work in the database: while it does not answer, the workers take no task
        var db = NeedsDatabase.dependency(dbSettings.jdbcUrl());
        var workers = List.of(
                taskQueue.startWorker(TaskQueues.NOTIFICATIONS, needsDatabase(db,
                        new NotificationHandler(mailer, webhooks(config, clock), new NotificationTemplates(), processed, outcomeLog, clock)), workerSettings),
                taskQueue.startWorker(TaskQueues.CRM_UPDATES, needsDatabase(db, new CrmUpdateHandler(processed,
                        Settings.nonBlank(config.crm().endpoint()).map(u -> new Webhook(URI.create(u), WEBHOOK_TIMEOUT,
                        Settings.nonBlank(config.crm().signingSecret()), clock)), outcomeLog, clock)), workerSettings),
                taskQueue.startWorker(TaskQueues.BILLING, needsDatabase(db, new BillingHandler(processed, outcomeLog, clock)), workerSettings));
        // stopped side by side: each may wait for its long poll to end
        shutdown.add(Stage.HANDLERS, "workers", () -> CompletableFuture.allOf(workers.stream()
                .map(w -> CompletableFuture.runAsync(w::close)).toArray(CompletableFuture[]::new)).join());
        log.info("  Services  ready  order-confirmation (decision); notification, CRM and billing workers ({} handlers each)",
                config.workers().concurrency());
        var streams = StreamsServices.start(config, kafkaSettings, data, clock, random, shutdown, healthChecks);
        var deliveries = new CampaignDeliveries(database);
        var budgets = new CampaignBudgets(database);
        if (config.campaigns().enabled()) {
            watched(healthChecks, DeliveryDispatcher.CONSUMER_GROUP, subscriber.subscribe(DeliveryDispatcher.CONSUMER_GROUP, CampaignsTopics.DELIVERIES,
                    new DeliveryDispatcher(processed, config.campaigns().messageCosts(), clock)));
            watched(healthChecks, BudgetSaga.CONSUMER_GROUP, subscriber.subscribe(BudgetSaga.CONSUMER_GROUP, MarketTopics.TASK_OUTCOMES,
                    new BudgetSaga(processed, clock)));
        }
        var reports = new ReportsProjection(subscriber, processed, database, kafkaSettings).start();
        shutdown.add(Stage.CONSUMERS, "reports", reports);
        healthChecks.add(HealthCheck.of("reports", reports::isRunning, reports::deadLettered));
        if (config.archive().enabled()) {
            var archive = AuditArchive.start(config, kafkaSettings, data, clock);
            shutdown.add(Stage.CONSUMERS, "archive", archive);
            healthChecks.add(HealthCheck.of("archive", archive::isRunning));
        }

        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Map<String, Object> adminProps = new java.util.HashMap<>(config.kafka().properties());
        adminProps.put("bootstrap.servers", kafkaBootstrap);
        Admin admin = Admin.create(adminProps);
        shutdown.add(Stage.CLIENTS, "admin", admin);
        healthChecks.add(0, HealthCheck.of("kafka", () -> succeeds(admin.describeCluster().nodes())));
        shutdown.add(Stage.CLIENTS, "transaction watchdog", new TransactionWatchdog(admin, clock, metrics).start());
        healthChecks.add(1, HealthCheck.of("database", this::databaseAnswers));
        var h = config.http();
        keys = new ApiKeys(database, clock, new java.security.SecureRandom());
        var firstKey = Edge.firstAdminKey(keys, data);
        var defaults = GatewaySettings.Limits.defaults();
        var limits = defaults.withQueue(h.maxQueued(), defaults.maxQueueWait()).withRate(h.requestsPerSecond(), h.burst());
        var eventDeadLetters = new EventDeadLetters(kafkaSettings);
        shutdown.add(Stage.CLIENTS, "dead-letter console", eventDeadLetters);
        var backends = new Backends(new EventIngestion(new EventIds(clock, random), clock), publisher,
                Edge.customerQueries(new CustomerMessages(database), deliveries, budgets, clock), streams.analytics(), streams.decisions(), streams.journeys(),
                Responses.reports(new Reports(database), reports::isCatchingUp), healthChecks, Edge.keyRing(keys, clock), Edge.keyAdmin(keys, clock), Edge.auditTrail(new AuditLog(database, clock)),
                new DeadLetterConsole(taskQueue.deadLetters(), eventDeadLetters, database, clock).unlessDown(),
                Rebuilder.of(streams.applications(), reports, kafkaSettings, clock), new EventReplays(kafkaSettings, clock), CatalogDocument.platform().markdown());
        try {
            gateway = new Gateway(new GatewaySettings(h.host(), h.port(), h.maxBodyBytes(), h.maxBatchItems(),
                    Duration.ofMillis(config.kafka().ackTimeoutMs()), h.threads(), limits, h.allowedHosts(),
                    Settings.nonBlank(h.tls().keyStore()).map(k -> new GatewaySettings.Tls(Path.of(k), h.tls().keyStorePassword()))),
                    backends, metrics, random);
        } catch (RuntimeException e) {
            throw new IllegalStateException("http.port: cannot listen on " + h.host() + ":" + h.port() + " (" + e.getMessage() + ")", e);
        }
        firstKey.ifPresent(key -> System.out.println("\nThe first admin API key (shown once; also in " + data.resolve(Edge.ADMIN_KEY_FILE)
                + ", readable by you only):\n\n    " + key + "\n\nSend it as 'Authorization: Bearer <key>'; create narrower keys with 'heomdm keys create'.\n"));
        shutdown.add(Stage.INTAKE, "API", gateway);
        log.info("HEOMDM up in {} ms: API {}://{}:{}  (POST /v1/events, GET /health, GET /metrics, docs at /docs)",
                millisSince(started), Settings.nonBlank(h.tls().keyStore()).isPresent() ? "https" : "http", h.host(), gateway.port());
    }

    /** A subscription closed with the platform and shown on /health under its consumer group. */
    private void watched(List<HealthCheck> healthChecks, String group, EventSubscriber.Subscription subscription) {
        shutdown.add(Stage.CONSUMERS, group, subscription);
        healthChecks.add(HealthCheck.of(group, subscription::isRunning, subscription::deadLettered));
    }

    private static Map<Channel, Webhook> webhooks(HeomdmConfig config, InstantSource clock) {
        Map<Channel, Webhook> hooks = new java.util.EnumMap<>(Channel.class);
        var secret = Settings.nonBlank(config.notifications().signingSecret());
        Settings.nonBlank(config.notifications().smsWebhook()).ifPresent(u -> hooks.put(Channel.SMS, new Webhook(URI.create(u), WEBHOOK_TIMEOUT, secret, clock)));
        Settings.nonBlank(config.notifications().pushWebhook()).ifPresent(u -> hooks.put(Channel.PUSH, new Webhook(URI.create(u), WEBHOOK_TIMEOUT, secret, clock)));
        return hooks;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> TaskHandler<T> needsDatabase(Optional<Dependency> database,
            TaskHandler<T> handler) {
        return database.<TaskHandler<T>>map(d -> new NeedsDatabase<>(handler, d)).orElse(handler);
    }

    /** The configured database, or the embedded H2 file under the data directory. */
    static DatabaseSettings databaseSettings(HeomdmConfig config) {
        if (!config.database().embedded()) {
            return new DatabaseSettings(config.database().url(), config.database().user(), config.database().password(),
                    config.database().maxPoolSize());
        }
        var db = EmbeddedDatabase.inDirectory(Path.of(config.dataDir()).toAbsolutePath().normalize().resolve("db"));
        return new DatabaseSettings(db.jdbcUrl(), db.user(), db.password(), config.database().maxPoolSize());
    }

    private boolean databaseAnswers() {
        try (Connection c = database.dataSource().getConnection()) {
            return c.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static boolean succeeds(java.util.concurrent.Future<?> f) {
        try {
            f.get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A new API key (for the simulator of {@code up --simulate}, and for tests); the key is returned once. */
    public String issueKey(String name, java.util.Set<String> scopes, java.util.Set<String> eventTypes) {
        return keys.create(name, scopes, eventTypes, Optional.empty()).key();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public String kafkaBootstrapServers() {
        return servers.kafkaBootstrap();
    }

    public URI sqsEndpoint() {
        return servers.sqsEndpoint();
    }

    public Optional<EmbeddedSmtp> embeddedSmtp() {
        return servers.embeddedSmtp();
    }

    public Database database() {
        return database;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }


    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
