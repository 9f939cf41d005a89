package io.heomdm.taskqueue;

import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.taskqueue.internal.ShareWorker;
import io.heomdm.taskqueue.internal.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link TaskQueue} on Kafka share groups (KIP-932): each queue is a topic {@code queue.<name>}
 * read by the share group {@code workers.<name>}, with a dead-letter topic {@code queue.<name>.dlt}.
 * A record is acknowledged one by one: ACCEPT when done, RELEASE to retry, REJECT when poison;
 * the group's delivery count limit plays maxReceiveCount and its record lock the visibility timeout.
 *
 * <p>Differences from SQS that are inherent to share groups:
 * <ul>
 *   <li>no delivery order, not even per key: a FIFO {@link QueueSpec} gets no ordering here;</li>
 *   <li>no deduplication on send: a task sent twice is delivered twice (handlers deduplicate by eventId);</li>
 *   <li>a retry is redelivered at once (RELEASE has no delay), so "retry after N s" and backoff do not apply;</li>
 *   <li>the broker archives a record at the delivery limit instead of moving it: the worker writes it to the
 *       dead-letter topic itself before its last failure is acknowledged.</li>
 * </ul>
 */
public final class KafkaShareTaskQueue implements TaskQueue {
    private final KafkaShareSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final MeterRegistry meters;

    public KafkaShareTaskQueue(KafkaShareSettings settings) {
        this(settings, new SimpleMeterRegistry());
    }

    public KafkaShareTaskQueue(KafkaShareSettings settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> adminProps = new HashMap<>(settings.clientProperties());
        adminProps.put("bootstrap.servers", settings.bootstrapServers());
        this.admin = Admin.create(adminProps);
    }

    public static String topic(QueueSpec<?> queue) {
        return "queue." + queue.name();
    }

    public static String deadLetterTopic(QueueSpec<?> queue) {
        return topic(queue) + ".dlt";
    }

    public static String group(QueueSpec<?> queue) {
        return "workers." + queue.name();
    }

    @Override
    public void declare(QueueSpec<?> queue) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : List.of(topic(queue), deadLetterTopic(queue))) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, settings.partitions(), settings.replicationFactor())
                            .configs(Map.of("min.insync.replicas", String.valueOf(settings.minInsyncReplicas()))));
                }
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // new topics are used only once each partition's leader serves it (TopicAdmin says why)
            TopicAdmin.awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            var group = new ConfigResource(ConfigResource.Type.GROUP, group(queue));
            admin.incrementalAlterConfigs(Map.of(group, List.of(
                    set("share.auto.offset.reset", "earliest"),
                    // the worker parks a task at maxReceiveCount (LastTry); the broker archives only one whose worker died on it each time (2..10 allowed)
                    set("share.delivery.count.limit", String.valueOf(Math.min(10, Math.max(2, queue.redriveReceiveCount())))),
                    set("share.record.lock.duration.ms", String.valueOf(queue.visibilityTimeout().toMillis())))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not declare " + topic(queue) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    @Override
    public <T extends SpecificRecord> CompletableFuture<Void> send(QueueSpec<T> queue, Event<T> task) {
        if (!task.envelope().type().equals(queue.taskType().name())) {
            throw new IllegalArgumentException(queue.name() + " carries " + queue.taskType().name() + ", not " + task.envelope().type());
        }
        return produce(topic(queue), task.envelope(), AvroCodec.encode(task.payload()));
    }

    /** Appends a record with the envelope in its headers; completes when acknowledged by all in-sync replicas. */
    private CompletableFuture<Void> produce(String topic, io.heomdm.events.Envelope envelope, byte[] payload) {
        var headers = new RecordHeaders();
        EnvelopeMapping.kafkaHeaders(envelope).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return produce(new ProducerRecord<>(topic, null, envelope.occurredAt().toEpochMilli(), envelope.key(), payload, headers));
    }

    /** Appends a record (for the worker's and the console's dead-letter moves); completes when acknowledged. */
    public CompletableFuture<Void> produce(ProducerRecord<String, byte[]> record) {
        var result = new CompletableFuture<Void>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(null);
            }
        });
        return result;
    }

    @Override
    public <T extends SpecificRecord> CompletableFuture<Void> sendAll(QueueSpec<T> queue, List<Event<T>> tasks) {
        return CompletableFuture.allOf(tasks.stream().map(t -> send(queue, t)).toArray(CompletableFuture[]::new));
    }

    @Override
    public <T extends SpecificRecord> Worker startWorker(QueueSpec<T> queue, TaskHandler<T> handler, WorkerSettings workerSettings) {
        return ShareWorker.start(settings, this, queue, handler, workerSettings, WorkerMetrics.register(meters, queue.name()));
    }

    /**
     * Records not yet acknowledged: from the share group's start offset to the end of each
     * partition. Share groups expose no count of records in flight, so it is reported as 0 and the
     * records in flight are counted as visible.
     */
    @Override
    public QueueDepth depth(QueueSpec<?> queue) {
        try {
            var partitions = IntStream.range(0, settings.partitions()).mapToObj(p -> new TopicPartition(topic(queue), p)).toList();
            var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get(10, TimeUnit.SECONDS);
            var starts = admin.listShareGroupOffsets(Map.of(group(queue), new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
                    .partitionsToOffsetInfo(group(queue)).get(10, TimeUnit.SECONDS);
            long waiting = 0;
            for (TopicPartition tp : partitions) {
                var start = starts.get(tp);
                long from = start == null ? 0 : start.startOffset();
                waiting += start == null ? ends.get(tp).offset() : start.lag().orElse(ends.get(tp).offset() - from);
            }
            return new QueueDepth(waiting, 0);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read the depth of " + topic(queue) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean unavailable(Throwable failure) {
        return failure instanceof RetriableException;
    }

    @Override
    public DeadLetters deadLetters() {
        return new ShareDeadLetters(this, settings, admin);
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
