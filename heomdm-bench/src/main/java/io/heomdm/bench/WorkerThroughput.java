package io.heomdm.bench;

import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskResult;
import io.heomdm.taskqueue.WorkerSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * How close the worker container comes to the plain AWS-SDK loop on the same SQS server: the same
 * producer (batches of 10, 2 KB tasks) feeds both; one consumer is the SDK loop
 * (receive 10, delete 10, on one thread), the other the worker container with a handler that does
 * nothing. Runs alternate, so drift in the machine hits both alike; medians are reported.
 */
public final class WorkerThroughput {
    public record Result(double plainMedian, double containerMedian, double[] plain, double[] container) {
        public double ratio() {
            return containerMedian / plainMedian;
        }
    }

    private final EventIds ids = new EventIds(InstantSource.system(), new SplittableRandom(1));

    public Result run(int tasks, int repetitions, PrintStream progress) throws Exception {
        double[] plain = new double[repetitions];
        double[] container = new double[repetitions];
        try (var sqs = EmbeddedSqs.start(0, Optional.empty()); var queues = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(2))) {
            // a warm-up of each, not counted: the first runs measure the JIT more than the queue
            plainLoop(queues, queue(queues, "warm-plain"), Math.max(1000, tasks / 4));
            worker(queues, queue(queues, "warm-container"), Math.max(1000, tasks / 4));
            progress.println("  warm-up done");
            for (int r = 0; r < repetitions; r++) {
                plain[r] = plainLoop(queues, queue(queues, "plain-" + r), tasks);
                container[r] = worker(queues, queue(queues, "container-" + r), tasks);
                progress.printf("  repetition %d/%d: plain SDK loop %.0f tasks/s, worker container %.0f tasks/s%n", r + 1, repetitions, plain[r], container[r]);
            }
        }
        return new Result(median(plain), median(container), plain, container);
    }

    static QueueSpec<SendNotification> queue(SqsTaskQueue queues, String name) {
        var spec = new QueueSpec<>(name, EventCatalog.SEND_NOTIFICATION, false, Duration.ofSeconds(30), 5);
        queues.declare(spec);
        return spec;
    }

    /** Sends every task in batches of 10 from one thread, as both consumers' common producer. */
    private Thread producer(SqsTaskQueue queues, QueueSpec<SendNotification> spec, int tasks) {
        List<Event<SendNotification>> all = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            all.add(task(i));
        }
        SqsAsyncClient client = queues.client();
        String url = queues.url(spec.name());
        Thread t = new Thread(() -> {
            for (int from = 0; from < tasks; from += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = from; i < Math.min(from + 10, tasks); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i - from))
                            .messageBody(Base64.getEncoder().encodeToString(AvroCodec.encode(all.get(i).payload())))
                            .messageAttributes(attributes(all.get(i).envelope())).build());
                }
                client.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).join();
            }
        }, "producer");
        t.start();
        return t;
    }

    double plainLoop(SqsTaskQueue queues, QueueSpec<SendNotification> spec, int tasks) throws Exception {
        SqsAsyncClient client = queues.client();
        String url = queues.url(spec.name());
        long start = System.nanoTime();
        Thread producer = producer(queues, spec, tasks);
        int done = 0;
        while (done < tasks) {
            var messages = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).join().messages();
            if (messages.isEmpty()) {
                continue;
            }
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(messages.get(i).receiptHandle()).build());
            }
            client.deleteMessageBatch(b -> b.queueUrl(url).entries(deletes)).join();
            done += messages.size();
        }
        producer.join();
        return tasks / seconds(start);
    }

    private double worker(SqsTaskQueue queues, QueueSpec<SendNotification> spec, int tasks) throws Exception {
        var handled = new AtomicInteger();
        var allHandled = new CountDownLatch(1);
        long start = System.nanoTime();
        Thread producer = producer(queues, spec, tasks);
        try (var worker = queues.startWorker(spec, t -> {
            if (handled.incrementAndGet() == tasks) {
                allHandled.countDown();
            }
            return TaskResult.done();
        }, WorkerSettings.defaults().withLongPoll(Duration.ofSeconds(1)))) {
            if (!allHandled.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the worker did not finish");
            }
            // count the time until the last delete has reached the server, as the plain loop does
            while (!queues.depth(spec).equals(new io.heomdm.taskqueue.TaskQueue.QueueDepth(0, 0))) {
                Thread.sleep(5);
            }
            double rate = tasks / seconds(start);
            producer.join();
            return rate;
        }
    }

    private Event<SendNotification> task(int i) {
        // about 2 KB once Avro-encoded and base64'd, like the benchmark's default event size
        var payload = SendNotification.newBuilder().setCustomerId("c-" + (i % 1000)).setChannel(Channel.EMAIL)
                .setRecipient("customer" + i + "@example.com").setTemplate("order-confirmation")
                .setVariables(Map.of("orderId", "o-" + i, "basket", "x".repeat(1400))).build();
        var id = ids.next();
        return new Event<>(new Envelope(id, "SendNotification", 1, payload.getCustomerId(), Instant.now(), id.toString(), null, null), payload);
    }

    /** The envelope as the task queue writes it, so both consumers read the same messages. */
    private static Map<String, MessageAttributeValue> attributes(Envelope envelope) {
        Map<String, MessageAttributeValue> out = new HashMap<>();
        EnvelopeMapping.sqsAttributes(envelope).forEach((k, v) -> out.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        return out;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
