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
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.events.EventIds;
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
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.tasks.SmtpMailer;
import io.heomdm.tasks.TaskOutcomeLog;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import io.heomdm.app.Services.Stage;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
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
    private static final Duration OUTBOX_INTERVAL = Duration.ofMillis(100);
    private static final Duration OUTBOX_PUBLISH_TIMEOUT = Duration.ofSeconds(15);
    /** How long the log's probe waits for the metadata while the workers hold off for the log: it runs in their receive loops. */
    private static final Duration LOG_PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Services services = new Services();
    private Servers servers;
    private Database database;
    private Gateway gateway;
    private ApiKeys keys;
    private StreamsServices.Starting streamsStarting;

    private Platform() {
    }

    /** Stops what started, stage by stage. */
    @Override
    public void close() {
        if (streamsStarting != null) {
            streamsStarting.close();
        }
        services.close();
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

    /** Each step starts one service (or a few side by side) and registers it to stop in its stage and to show on /health. */
    private void boot(HeomdmConfig config, InstantSource clock, RandomGenerator random) {
        long started = System.nanoTime();
        Path data = Path.of(config.dataDir()).toAbsolutePath().normalize();
        log.info("HEOMDM starting; data in {}", data);
        StreamsApp.loadStoresEarly();
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        servers = Servers.start(config, data, services);
        var kafkaSettings = Settings.kafka(config, servers.kafkaBootstrap());
        Admin admin = Settings.admin(kafkaSettings);
        services.add(Stage.CLIENTS, "admin", admin);
        TopicAdmin.askForCoordinators(admin);
        services.watch(HealthCheck.of("kafka", () -> succeeds(admin.describeCluster().nodes())));
        DatabaseSettings databaseSettings = databaseSettings(config);
        database = openDatabase(databaseSettings, config.database().embedded());
        var created = TopicAdmin.ensure(kafkaSettings, MarketTopics.all());
        log.info("  Topics    ready  {} ({} created)", MarketTopics.all().stream().map(s -> s.name()).toList(), created.size());
        // the Streams services spend most of their start waiting for their first rebalances: begun now, they wait while the rest starts
        streamsStarting = StreamsServices.begin(config, kafkaSettings, data, clock, random);
        TaskQueue taskQueue = TaskWorkers.queues(config, servers, random, metrics, services);

        var publisher = new KafkaEventPublisher(kafkaSettings, "heomdm");
        services.add(Stage.CLIENTS, "publisher", publisher);
        EventSubscriber subscriber = new KafkaEventSubscriber(kafkaSettings);
        watched(OrderConfirmation.CONSUMER_GROUP,
                subscriber.subscribeAsync(OrderConfirmation.CONSUMER_GROUP, MarketTopics.ACTIVITY, new OrderConfirmation(taskQueue, clock)));
        SmtpMailer mailer;
        try {
            mailer = new SmtpMailer(servers.smtp());
        } catch (jakarta.mail.internet.AddressException e) {
            throw new ConfigLoader.ConfigException(List.of("smtp.from: not an e-mail address: " + e.getMessage()));
        }
        services.add(Stage.CLIENTS, "mailer", mailer);
        var processed = new ProcessedMessages(database, clock);
        // what services wrote with their state changes goes out from here (the campaign dispatcher's tasks, its deferred decisions)
        var relay = new OutboxRelay(database, OutboxDestinations.of(publisher, taskQueue), clock, OUTBOX_PUBLISH_TIMEOUT).start(OUTBOX_INTERVAL);
        services.add(Stage.RELAYS, "outbox relay", relay);
        services.watch(HealthCheck.of("outbox", relay::isRunning, relay::buried));
        TaskWorkers.start(config, taskQueue, databaseSettings.jdbcUrl(), mailer, processed,
                new TaskOutcomeLog(new TaskOutcomes(database), publisher, TaskOutcomeLog.dependency(() -> TopicAdmin.takesWrites(admin,
                        MarketTopics.TASK_OUTCOMES.name(), kafkaSettings.minInsyncReplicas(), LOG_PROBE_TIMEOUT)), clock), clock, services);
        log.info("  Services  ready  order-confirmation (decision); notification, CRM and billing workers ({} handlers each)",
                config.workers().concurrency());

        var streams = streamsStarting.ready(services);
        if (config.campaigns().enabled()) {
            watched(DeliveryDispatcher.CONSUMER_GROUP, subscriber.subscribe(DeliveryDispatcher.CONSUMER_GROUP, CampaignsTopics.DELIVERIES,
                    new DeliveryDispatcher(processed, config.campaigns().messageCosts(), clock)));
            watched(BudgetSaga.CONSUMER_GROUP, subscriber.subscribe(BudgetSaga.CONSUMER_GROUP, MarketTopics.TASK_OUTCOMES,
                    new BudgetSaga(processed, clock)));
        }
        var reports = new ReportsProjection(subscriber, processed, database, kafkaSettings).start();
        services.add(Stage.CONSUMERS, reports, HealthCheck.of("reports", reports::isRunning, reports::deadLettered));
        if (config.archive().enabled()) {
            var archive = AuditArchive.start(config, kafkaSettings, data, clock);
            services.add(Stage.CONSUMERS, archive, HealthCheck.of("archive", archive::isRunning));
        }
        services.add(Stage.CLIENTS, "transaction watchdog", new TransactionWatchdog(admin, clock, metrics).start());
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);

        keys = new ApiKeys(database, clock, new java.security.SecureRandom());
        var firstKey = Edge.firstAdminKey(keys, data);
        var eventDeadLetters = new EventDeadLetters(kafkaSettings);
        services.add(Stage.CLIENTS, "dead-letter console", eventDeadLetters);
        var backends = new Backends(new EventIngestion(new EventIds(clock, random), clock), publisher,
                Edge.customerQueries(new CustomerMessages(database), new CampaignDeliveries(database), new CampaignBudgets(database), clock),
                streams.analytics(), streams.decisions(), streams.journeys(), Responses.reports(new Reports(database), reports::isCatchingUp),
                services.health(), Edge.keyRing(keys, clock), Edge.keyAdmin(keys, clock), Edge.auditTrail(new AuditLog(database, clock)),
                new DeadLetterConsole(taskQueue.deadLetters(), eventDeadLetters, database, clock).unlessDown(),
                Rebuilder.of(streams.applications(), reports, kafkaSettings, clock), new EventReplays(kafkaSettings, clock), CatalogDocument.platform().markdown());
        gateway = listen(config.http(), config.kafka().ackTimeoutMs(), backends, metrics, random);
        services.add(Stage.INTAKE, "API", gateway);
        firstKey.ifPresent(key -> System.out.println("\nThe first admin API key (shown once; also in " + data.resolve(Edge.ADMIN_KEY_FILE)
                + ", readable by you only):\n\n    " + key + "\n\nSend it as 'Authorization: Bearer <key>'; create narrower keys with 'heomdm keys create'.\n"));
        log.info("HEOMDM up in {} ms: API {}://{}:{}  (POST /v1/events, GET /health, GET /metrics, docs at /docs)",
                millisSince(started), Settings.nonBlank(config.http().tls().keyStore()).isPresent() ? "https" : "http", config.http().host(), gateway.port());
    }

    private Database openDatabase(DatabaseSettings settings, boolean embedded) {
        long t = System.nanoTime();
        var opened = Database.open(settings);
        services.add(Stage.DATABASE, "database", opened);
        services.watch(HealthCheck.of("database", () -> answers(opened)));
        log.info("  Database  ready  {}  ({}, migrated, {} ms)", redact(settings.jdbcUrl()),
                embedded ? "embedded H2" : "external", millisSince(t));
        return opened;
    }

    /** The API, last: it answers only once everything it answers for runs. */
    private static Gateway listen(HeomdmConfig.Http h, long ackTimeoutMs, Backends backends, PrometheusMeterRegistry metrics,
            RandomGenerator random) {
        var defaults = GatewaySettings.Limits.defaults();
        var limits = defaults.withQueue(h.maxQueued(), defaults.maxQueueWait()).withRate(h.requestsPerSecond(), h.burst());
        try {
            return new Gateway(new GatewaySettings(h.host(), h.port(), h.maxBodyBytes(), h.maxBatchItems(), Duration.ofMillis(ackTimeoutMs),
                    h.threads(), limits, h.allowedHosts(), Settings.nonBlank(h.tls().keyStore()).map(k -> new GatewaySettings.Tls(Path.of(k),
                    h.tls().keyStorePassword()))), backends, metrics, random);
        } catch (RuntimeException e) {
            throw new IllegalStateException("http.port: cannot listen on " + h.host() + ":" + h.port() + " (" + e.getMessage() + ")", e);
        }
    }

    /** A subscription closed with the platform and shown on /health under its consumer group. */
    private void watched(String group, EventSubscriber.Subscription subscription) {
        services.add(Stage.CONSUMERS, subscription, HealthCheck.of(group, subscription::isRunning, subscription::deadLettered));
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

    private static boolean answers(Database database) {
        try (Connection c = database.dataSource().getConnection()) {
            return c.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    static boolean succeeds(java.util.concurrent.Future<?> f) {
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
