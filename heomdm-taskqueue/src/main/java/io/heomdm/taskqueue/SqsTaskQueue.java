package io.heomdm.taskqueue;

import io.heomdm.events.Daemons;
import io.heomdm.events.Event;
import io.heomdm.taskqueue.internal.SqsMessages;
import io.heomdm.taskqueue.internal.SqsWorker;
import io.heomdm.taskqueue.internal.WorkerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import org.apache.avro.specific.SpecificRecord;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@link TaskQueue} on Amazon SQS (or any SQS-compatible endpoint) through the AWS SDK v2. Single
 * sends, deletes and visibility changes go through the SDK's automatic batch manager, which packs
 * concurrent calls into batch requests of up to 10.
 */
public final class SqsTaskQueue implements TaskQueue {
    /** How long the batch manager waits to fill a batch: a bound on the latency it adds. */
    private static final Duration BATCH_WINDOW = Duration.ofMillis(10);

    private final SqsAsyncClient client;
    private final SqsAsyncBatchManager batcher;
    private final ScheduledExecutorService batchScheduler;
    private final RandomGenerator random;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final java.util.Set<String> gaugedQueues = ConcurrentHashMap.newKeySet();

    public SqsTaskQueue(SqsSettings settings, RandomGenerator random) {
        this(settings, random, new SimpleMeterRegistry());
    }

    public SqsTaskQueue(SqsSettings settings, RandomGenerator random, MeterRegistry meters) {
        this.meters = meters;
        var builder = SqsAsyncClient.builder().region(Region.of(settings.region()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        if (settings.accessKey().isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().orElse(""))));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        this.client = builder.build();
        this.batchScheduler = Executors.newSingleThreadScheduledExecutor(Daemons.named("sqs-batcher"));
        this.batcher = SqsAsyncBatchManager.builder().client(client).scheduledExecutor(batchScheduler)
                .overrideConfiguration(c -> c.sendRequestFrequency(BATCH_WINDOW).maxBatchSize(10))
                .build();
        this.random = random;
    }

    /** The largest {@code maxReceiveCount} a redrive policy takes. */
    private static final int SQS_MAX_RECEIVE_COUNT = 1000;

    @Override
    public void declare(QueueSpec<?> queue) {
        Map<QueueAttributeName, String> fifo = queue.fifo()
                ? Map.of(QueueAttributeName.FIFO_QUEUE, "true")
                : Map.of();
        String dlqUrl = create(queue.deadLetterName(), fifo);
        String dlqArn = client.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .join().attributes().get(QueueAttributeName.QUEUE_ARN);
        var attributes = new java.util.HashMap<>(fifo);
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(queue.visibilityTimeout().toSeconds()));
        attributes.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + Math.min(SQS_MAX_RECEIVE_COUNT, queue.redriveReceiveCount()) + "\"}");
        create(queue.name(), attributes);
    }

    private String create(String name, Map<QueueAttributeName, String> attributes) {
        String url;
        try {
            url = client.createQueue(b -> b.queueName(name).attributes(attributes)).join().queueUrl();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof QueueNameExistsException)) {
                throw e;
            }
            // it exists with other attributes: bring them to what the spec says (FifoQueue cannot change)
            url = client.getQueueUrl(b -> b.queueName(name)).join().queueUrl();
            var mutable = new java.util.HashMap<>(attributes);
            mutable.remove(QueueAttributeName.FIFO_QUEUE);
            String u = url;
            client.setQueueAttributes(b -> b.queueUrl(u).attributes(mutable)).join();
        }
        urls.put(name, url);
        return url;
    }

    /** The queue's URL, looked up once. */
    public String url(String queueName) {
        return urls.computeIfAbsent(queueName, n -> client.getQueueUrl(b -> b.queueName(n)).join().queueUrl());
    }

    @Override
    public <T extends SpecificRecord> CompletableFuture<Void> send(QueueSpec<T> queue, Event<T> task) {
        return batcher.sendMessage(request(queue, task)).thenApply(r -> null);
    }

    /**
     * Standard queues: every send through the batch manager at once. FIFO queues: batches of 10,
     * one after the other, because batches in flight side by side can reach SQS in any order and
     * a FIFO group keeps the order SQS received it in.
     */
    @Override
    public <T extends SpecificRecord> CompletableFuture<Void> sendAll(QueueSpec<T> queue, List<Event<T>> tasks) {
        if (!queue.fifo()) {
            return CompletableFuture.allOf(tasks.stream().map(t -> send(queue, t)).toArray(CompletableFuture[]::new));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < tasks.size(); from += 10) {
            List<Event<T>> chunk = tasks.subList(from, Math.min(from + 10, tasks.size()));
            chain = chain.thenCompose(ignored -> sendBatch(queue, chunk));
        }
        return chain;
    }

    private <T extends SpecificRecord> CompletableFuture<Void> sendBatch(QueueSpec<T> queue, List<Event<T>> chunk) {
        List<SendMessageBatchRequestEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            SendMessageRequest r = request(queue, chunk.get(i));
            entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(r.messageBody())
                    .messageAttributes(r.messageAttributes()).messageGroupId(r.messageGroupId())
                    .messageDeduplicationId(r.messageDeduplicationId()).build());
        }
        return client.sendMessageBatch(b -> b.queueUrl(url(queue.name())).entries(entries)).thenAccept(response -> {
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException(queue.name() + " refused " + response.failed().stream()
                        .map(f -> chunk.get(Integer.parseInt(f.id())).envelope().eventId() + " (" + f.code() + ": " + f.message() + ")")
                        .toList());
            }
        });
    }

    private <T extends SpecificRecord> SendMessageRequest request(QueueSpec<T> queue, Event<T> task) {
        Objects.requireNonNull(task);
        if (!task.envelope().type().equals(queue.taskType().name())) {
            throw new IllegalArgumentException(queue.name() + " carries " + queue.taskType().name() + ", not " + task.envelope().type());
        }
        var b = SendMessageRequest.builder()
                .queueUrl(url(queue.name()))
                .messageBody(SqsMessages.body(task.payload()))
                .messageAttributes(SqsMessages.attributes(task.envelope()));
        if (queue.fifo()) {
            b.messageGroupId(task.envelope().key()).messageDeduplicationId(task.envelope().eventId().toString());
        }
        return b.build();
    }

    @Override
    public <T extends SpecificRecord> Worker startWorker(QueueSpec<T> queue, TaskHandler<T> handler, WorkerSettings settings) {
        if (gaugedQueues.add(queue.name())) {
            registerDepthGauges(queue);
        }
        return SqsWorker.start(client, batcher, url(queue.name()), url(queue.deadLetterName()), queue, handler, settings, random,
                WorkerMetrics.register(meters, queue.name()));
    }

    @Override
    public QueueDepth depth(QueueSpec<?> queue) {
        var attrs = client.getQueueAttributes(b -> b.queueUrl(url(queue.name())).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .join().attributes();
        return new QueueDepth(Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
    }

    /**
     * Depth and in-flight count as SQS reports them (approximate, and queried when scraped, at most
     * once every 5 s). SQS has no API for the age of the oldest message: that is a CloudWatch metric.
     */
    private void registerDepthGauges(QueueSpec<?> queue) {
        var cached = new java.util.concurrent.atomic.AtomicReference<QueueDepth>(new QueueDepth(0, 0));
        var fetchedAt = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
        java.util.function.Supplier<QueueDepth> depth = () -> {
            long now = System.nanoTime();
            long last = fetchedAt.get();
            if (now - last > 5_000_000_000L && fetchedAt.compareAndSet(last, now)) {
                try {
                    cached.set(depth(queue));
                } catch (RuntimeException e) {
                    // keep the last known value
                }
            }
            return cached.get();
        };
        Gauge.builder("heomdm.tasks.queue.depth", () -> depth.get().visible()).tag("queue", queue.name())
                .description("messages waiting (approximate)").register(meters);
        Gauge.builder("heomdm.tasks.queue.in.flight", () -> depth.get().inFlight()).tag("queue", queue.name())
                .description("messages received and not yet deleted (approximate)").register(meters);
    }

    @Override
    public boolean unavailable(Throwable failure) {
        // the SDK's own errors are the connection's (refused, reset, timed out); the service's are away only when 5xx or throttled
        return failure instanceof software.amazon.awssdk.core.exception.SdkClientException
                || failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException e && (e.statusCode() >= 500 || e.isThrottlingException());
    }

    @Override
    public DeadLetters deadLetters() {
        return new SqsDeadLetters(this);
    }

    /** The SDK client, for operations beyond the contract (the DLQ console, tests). */
    public SqsAsyncClient client() {
        return client;
    }

    @Override
    public void close() {
        batcher.close();
        batchScheduler.shutdown();
        client.close();
    }
}
