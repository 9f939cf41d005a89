package io.heomdm.bench;

import io.heomdm.events.Daemons;
import io.heomdm.eventlog.EventSubscriber;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaEventSubscriber;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventKind;
import io.heomdm.events.EventType;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.taskqueue.KafkaShareSettings;
import io.heomdm.taskqueue.KafkaShareTaskQueue;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskResult;
import io.heomdm.taskqueue.WorkerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** How market events and tasks travel in each set-up: the project's own event-log and task-queue code. */
final class Transports {
    private Transports() {
    }

    /** Market events, delivered to every consuming service. */
    interface EventBus extends AutoCloseable {
        CompletableFuture<?> publish(Event<? extends SpecificRecord> event);

        /** Starts a consuming service; its handler completes when the event is processed. */
        AutoCloseable subscribe(String service, Function<Event<SpecificRecord>, CompletionStage<Void>> handler);

        @Override
        void close();
    }

    /** Tasks caused by decisions, run by competing workers. */
    interface TaskBus extends AutoCloseable {
        CompletableFuture<?> send(Event<SendNotification> task);

        /** Starts this process's workers: {@code concurrency} tasks at a time. */
        AutoCloseable startWorkers(java.util.function.Consumer<Event<SendNotification>> handler);

        @Override
        void close();
    }

    /** Where tasks travel; each set-up uses one. */
    enum TaskTransport {
        KAFKA_TOPIC("a Kafka topic"), SQS("SQS"), SHARE_GROUP("Kafka share groups");

        final String label;

        TaskTransport(String label) {
            this.label = label;
        }

        static TaskTransport of(SetUp setUp) {
            return switch (setUp) {
                case KAFKA_ONLY -> KAFKA_TOPIC;
                case SQS_ONLY, HYBRID -> SQS;
                case KAFKA_QUEUES -> SHARE_GROUP;
            };
        }
    }

    /** Opens the task bus of run {@code run} on {@code transport}; closing it closes the queue client it opened. */
    static TaskBus tasks(TaskTransport transport, Harness.Servers servers, String run, int partitions, int concurrency, long seed) {
        return switch (transport) {
            case KAFKA_TOPIC -> new KafkaTopicTasks(servers.kafka(), run, partitions, concurrency);
            case SQS -> new QueuedTasks(new SqsTaskQueue(servers.sqs(), new SplittableRandom(seed)), run, concurrency);
            case SHARE_GROUP -> new QueuedTasks(new KafkaShareTaskQueue(new KafkaShareSettings(servers.kafkaBootstrap(), servers.kafkaProperties(),
                    servers.replication(), servers.minInsync(), partitions)), run, concurrency);
        };
    }

    static List<EventType<?>> marketEvents() {
        return EventCatalog.all().stream().filter(t -> t.kind() == EventKind.EVENT).toList();
    }

    /** Events on a Kafka topic, one consumer group per service ({@link KafkaEventPublisher}, {@link KafkaEventSubscriber}). */
    static final class KafkaEvents implements EventBus {
        private final KafkaEventPublisher publisher;
        private final EventSubscriber subscriber;
        private final TopicSpec topic;
        private final String run;

        KafkaEvents(KafkaSettings kafka, String run, int partitions) {
            this.run = run;
            this.topic = new TopicSpec("bench." + run + ".events", "customerId", marketEvents(), partitions, TopicSpec.Cleanup.DELETE,
                    Duration.ofHours(1));
            TopicAdmin.ensure(kafka, List.of(topic));
            this.publisher = new KafkaEventPublisher(kafka, "bench-events");
            this.subscriber = new KafkaEventSubscriber(kafka);
        }

        @Override
        public CompletableFuture<?> publish(Event<? extends SpecificRecord> event) {
            return publisher.publish(topic, event);
        }

        @Override
        public AutoCloseable subscribe(String service, Function<Event<SpecificRecord>, CompletionStage<Void>> handler) {
            var subscription = subscriber.subscribeAsync("bench." + run + "." + service, topic, handler::apply);
            subscription.awaitAssignment(Duration.ofSeconds(30));
            return subscription;
        }

        @Override
        public void close() {
            publisher.close();
        }
    }

    /**
     * Events fanned out to one SQS queue per consuming service, read by a plain SDK loop (receive
     * 10, process, delete 10) on a few threads per service. The task queue's worker container is
     * typed per task, so it does not carry mixed market events; `heomdm bench queue` shows it
     * runs at the plain loop's rate (ratio 1.01 on this machine), so the comparison stays fair.
     */
    static final class SqsEvents implements EventBus {
        private static final int THREADS_PER_SERVICE = 4;
        private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(2_000);
        private final SqsTaskQueue queues;
        private final SqsAsyncClient client;
        private final SqsAsyncBatchManager batcher;
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-sqs-batcher"));
        private final List<String> urls = new ArrayList<>();
        private final String run;
        private final List<String> services;

        SqsEvents(SqsTaskQueue queues, String run, List<String> services) {
            this.queues = queues; // closed with this bus
            this.client = queues.client();
            this.run = run;
            this.services = services;
            for (String service : services) {
                // declared through the task queue for its DLQ and redrive policy; the spec's task type is not used here
                queues.declare(new QueueSpec<>(queueName(service), EventCatalog.SEND_NOTIFICATION, false, Duration.ofSeconds(60), 10));
                urls.add(queues.url(queueName(service)));
            }
            this.batcher = SqsAsyncBatchManager.builder().client(client).scheduledExecutor(scheduler)
                    .overrideConfiguration(c -> c.sendRequestFrequency(Duration.ofMillis(10)).maxBatchSize(10)).build();
        }

        private String queueName(String service) {
            return "bench-" + run + "-" + service;
        }

        @Override
        public CompletableFuture<?> publish(Event<? extends SpecificRecord> event) {
            String body = Base64.getEncoder().encodeToString(AvroCodec.encode(event.payload()));
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            EnvelopeMapping.sqsAttributes(event.envelope()).forEach((k, v) ->
                    attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
            // bounded like the Kafka producer's buffer: beyond it the producer waits (and its sends are late, which
            // the latency from due time shows) instead of piling up requests the server cannot take
            inFlight.acquireUninterruptibly(urls.size());
            return CompletableFuture.allOf(urls.stream().map(url -> batcher.sendMessage(b -> b.queueUrl(url).messageBody(body)
                    .messageAttributes(attributes)).whenComplete((r, e) -> inFlight.release())).toArray(CompletableFuture[]::new));
        }

        @Override
        public AutoCloseable subscribe(String service, Function<Event<SpecificRecord>, CompletionStage<Void>> handler) {
            String url = urls.get(services.indexOf(service));
            var running = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS_PER_SERVICE; i++) {
                Thread t = daemon(() -> {
                    while (running.get()) {
                        try {
                            receiveProcessDelete(url, handler);
                        } catch (RuntimeException e) {
                            if (running.get()) {
                                sleep(100);
                            }
                        }
                    }
                }, "bench-sqs-" + service + "-" + i);
                t.start();
                threads.add(t);
            }
            return () -> {
                running.set(false);
                for (Thread t : threads) {
                    t.join(3000);
                }
            };
        }

        private void receiveProcessDelete(String url, Function<Event<SpecificRecord>, CompletionStage<Void>> handler) {
            List<Message> messages = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).join().messages();
            if (messages.isEmpty()) {
                return;
            }
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (Message m : messages) {
                Map<String, String> attributes = new HashMap<>();
                m.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
                var envelope = EnvelopeMapping.fromSqs(attributes);
                var event = new Event<>(envelope, AvroCodec.decode(envelope, Base64.getDecoder().decode(m.body())));
                done.add(handler.apply(event).toCompletableFuture());
            }
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                if (!done.get(i).isCompletedExceptionally()) {
                    done.get(i).join();
                    deletes.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(messages.get(i).receiptHandle()).build());
                }
            }
            if (!deletes.isEmpty()) {
                client.deleteMessageBatch(b -> b.queueUrl(url).entries(deletes)).join();
            }
        }

        @Override
        public void close() {
            batcher.close();
            scheduler.shutdown();
            queues.close();
        }
    }

    /**
     * Tasks on a task queue: SQS ({@link SqsTaskQueue}) or Kafka share groups, with the worker
     * container. The visibility timeout (record lock) is short because the heartbeat extends it for
     * a running task: it bounds how long a killed worker's tasks wait before another worker gets them.
     */
    static final class QueuedTasks implements TaskBus {
        private final TaskQueue queue;
        private final QueueSpec<SendNotification> spec;
        private final int concurrency;

        QueuedTasks(TaskQueue queue, String run, int concurrency) {
            this.queue = queue;
            this.concurrency = concurrency;
            this.spec = new QueueSpec<>("bench-" + run + "-notifications", EventCatalog.SEND_NOTIFICATION, false, Duration.ofSeconds(10), 5);
            queue.declare(spec);
        }

        @Override
        public CompletableFuture<?> send(Event<SendNotification> task) {
            return queue.send(spec, task);
        }

        @Override
        public AutoCloseable startWorkers(java.util.function.Consumer<Event<SendNotification>> handler) {
            return queue.startWorker(spec, t -> {
                handler.accept(t.event());
                return TaskResult.done();
            }, WorkerSettings.defaults().withConcurrency(concurrency).withLongPoll(Duration.ofSeconds(1)));
        }

        @Override
        public void close() {
            queue.close();
        }
    }

    /**
     * Tasks on a plain Kafka topic read by one consumer group (Kafka-only: no per-task
     * acknowledgement). Each poll's tasks run on {@code concurrency} threads, as many as a queue
     * worker's handlers; the offsets move when the whole poll is done.
     */
    static final class KafkaTopicTasks implements TaskBus {
        private final KafkaEventPublisher publisher;
        private final EventSubscriber subscriber;
        private final TopicSpec topic;
        private final String run;
        private final int concurrency;

        KafkaTopicTasks(KafkaSettings kafka, String run, int partitions, int concurrency) {
            this.run = run;
            this.concurrency = concurrency;
            this.topic = new TopicSpec("bench." + run + ".tasks", "customerId", List.of(EventCatalog.SEND_NOTIFICATION), partitions,
                    TopicSpec.Cleanup.DELETE, Duration.ofHours(1));
            TopicAdmin.ensure(kafka, List.of(topic));
            this.publisher = new KafkaEventPublisher(kafka, "bench-tasks");
            this.subscriber = new KafkaEventSubscriber(kafka);
        }

        @Override
        public CompletableFuture<?> send(Event<SendNotification> task) {
            return publisher.publish(topic, task);
        }

        @Override
        @SuppressWarnings("unchecked")
        public AutoCloseable startWorkers(java.util.function.Consumer<Event<SendNotification>> handler) {
            var pool = Executors.newFixedThreadPool(concurrency, r -> daemon(r, "bench-task-worker"));
            var subscription = subscriber.subscribeAsync("bench." + run + ".workers", topic,
                    e -> CompletableFuture.runAsync(() -> handler.accept((Event<SendNotification>) (Event<?>) e), pool));
            subscription.awaitAssignment(Duration.ofSeconds(30));
            return () -> {
                subscription.close();
                pool.shutdownNow();
            };
        }

        @Override
        public void close() {
            publisher.close();
        }
    }

    /** The name last, for the callers whose work is a long lambda. */
    static Thread daemon(Runnable r, String name) {
        return Daemons.thread(name, r);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
