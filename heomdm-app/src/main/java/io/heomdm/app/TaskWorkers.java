package io.heomdm.app;

import io.heomdm.app.Services.Stage;
import io.heomdm.events.schema.Channel;
import io.heomdm.gateway.HealthCheck;
import io.heomdm.storage.ProcessedMessages;
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
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The task queues (on SQS, or on Kafka share groups) and the workers of this process that handle them. */
final class TaskWorkers {
    private static final Logger log = LoggerFactory.getLogger("heomdm");
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    private TaskWorkers() {
    }

    /** The transport the configuration names, with every queue of {@link TaskQueues} and its dead letters declared. */
    static TaskQueue queues(HeomdmConfig config, Servers servers, RandomGenerator random, MeterRegistry metrics, Services services) {
        TaskQueue taskQueue;
        if (config.tasks().onKafka()) {
            taskQueue = new KafkaShareTaskQueue(Settings.kafkaShare(config, servers.kafkaBootstrap()), metrics);
        } else {
            var sqs = new SqsTaskQueue(Settings.sqs(config, servers.sqsEndpoint()), random, metrics);
            services.watch(HealthCheck.of("sqs", () -> Platform.succeeds(sqs.client().listQueues(b -> b.maxResults(1)))));
            taskQueue = sqs;
        }
        services.add(Stage.CLIENTS, "task queue", taskQueue);
        TaskQueues.all().forEach(taskQueue::declare);
        log.info("  Queues    ready  {} ({}, each with dead letters)", TaskQueues.all().stream().map(q -> q.name()).toList(),
                config.tasks().onKafka() ? "Kafka share groups" : "SQS");
        return taskQueue;
    }

    /** The notification, CRM and billing workers; while the database does not answer, they take no task. */
    static void start(HeomdmConfig config, TaskQueue taskQueue, String jdbcUrl, SmtpMailer mailer, ProcessedMessages processed,
            TaskOutcomeLog outcomes, InstantSource clock, Services services) {
        var settings = WorkerSettings.defaults().withConcurrency(config.workers().concurrency());
        var database = NeedsDatabase.dependency(jdbcUrl);
        var crm = Settings.nonBlank(config.crm().endpoint())
                .map(u -> new Webhook(URI.create(u), WEBHOOK_TIMEOUT, Settings.nonBlank(config.crm().signingSecret()), clock));
        var workers = List.of(
                taskQueue.startWorker(TaskQueues.NOTIFICATIONS, needsDatabase(database,
                        new NotificationHandler(mailer, webhooks(config, clock), new NotificationTemplates(), processed, outcomes, clock)), settings),
                taskQueue.startWorker(TaskQueues.CRM_UPDATES, needsDatabase(database, new CrmUpdateHandler(processed, crm, outcomes, clock)), settings),
                taskQueue.startWorker(TaskQueues.BILLING, needsDatabase(database, new BillingHandler(processed, outcomes, clock)), settings));
        // stopped side by side: each may wait for its long poll to end
        services.add(Stage.HANDLERS, "workers", () -> CompletableFuture.allOf(workers.stream()
                .map(w -> CompletableFuture.runAsync(w::close)).toArray(CompletableFuture[]::new)).join());
    }

    private static Map<Channel, Webhook> webhooks(HeomdmConfig config, InstantSource clock) {
        Map<Channel, Webhook> hooks = new EnumMap<>(Channel.class);
        var secret = Settings.nonBlank(config.notifications().signingSecret());
        Settings.nonBlank(config.notifications().smsWebhook()).ifPresent(u -> hooks.put(Channel.SMS, new Webhook(URI.create(u), WEBHOOK_TIMEOUT, secret, clock)));
        Settings.nonBlank(config.notifications().pushWebhook()).ifPresent(u -> hooks.put(Channel.PUSH, new Webhook(URI.create(u), WEBHOOK_TIMEOUT, secret, clock)));
        return hooks;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> TaskHandler<T> needsDatabase(Optional<Dependency> database,
            TaskHandler<T> handler) {
        return database.<TaskHandler<T>>map(d -> new NeedsDatabase<>(handler, d)).orElse(handler);
    }
}
