package io.heomdm.bench;

import io.heomdm.bench.market.Market;
import io.heomdm.bench.market.MarketSimulator;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventIds;
import io.heomdm.events.JsonPayloads;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's raw limits, measured in the same run as the set-ups so that every figure can be
 * read as a ratio of them: Kafka's own producer performance tool against the same broker (the
 * project's producer settings, {@link KafkaEventPublisher#properties}: acks=all, idempotent, lz4,
 * linger 5 ms, 64 KB batches unless the run's Kafka properties change them; the
 * simulator's events as payloads, as JSON), and a plain AWS-SDK batch loop (send 10, receive 10,
 * delete 10) against the same SQS server.
 */
public final class Ceilings {
    private static final Pattern RATE = Pattern.compile("records sent, ([0-9.]+) records/sec");

    record Result(double kafkaRecordsPerSecond, String kafkaSummary, double sqsMessagesPerSecond) {
    }

    static Result measure(Harness.Servers servers, int records, long seed, Path work, Progress progress) throws Exception {
        progress.step("raw ceiling: Kafka's ProducerPerformance, " + records + " records");
        String summary = kafka(servers.kafka(), records, seed, work);
        Matcher m = RATE.matcher(summary);
        double kafka = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        progress.done(String.format("Kafka producer ceiling %.0f records/s", kafka));
        int tasks = Math.max(2_000, records / 50);
        progress.step("raw ceiling: plain AWS-SDK loop, " + tasks + " messages");
        double sqsRate;
        try (var queues = new SqsTaskQueue(servers.sqs(), new SplittableRandom(seed))) {
            var throughput = new WorkerThroughput();
            throughput.plainLoop(queues, WorkerThroughput.queue(queues, "ceiling-warm-up-" + System.nanoTime() % 100_000), tasks / 4); // JIT, not counted
            sqsRate = throughput.plainLoop(queues, WorkerThroughput.queue(queues, "ceiling-" + System.nanoTime() % 100_000), tasks);
        }
        progress.done(String.format("SQS plain-loop ceiling %.0f messages/s", sqsRate));
        return new Result(kafka, summary, sqsRate);
    }

    /**
     * Records per second Kafka's producer performance tool reaches against {@code kafka} with the
     * project's producer settings and the simulator's events as payloads: the machine's write ceiling.
     */
    public static double producerPerformance(KafkaSettings kafka, int records, long seed, Path work) throws Exception {
        Matcher m = RATE.matcher(kafka(kafka, records, seed, work));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The producer's properties in a file only the owner can read: on the command line, a SASL password would be in {@code ps}. */
    private static Path producerConfig(KafkaSettings kafka, Path work) throws IOException {
        Path file = work.resolve("producer-performance.properties");
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        var properties = new java.util.Properties();
        KafkaEventPublisher.properties(kafka, "bench-ceiling").forEach((k, v) -> properties.setProperty(k, String.valueOf(v)));
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
        return file;
    }

    /** Runs {@code kafka-producer-perf-test} (its class, in a JVM of its own) and returns its summary line. */
    private static String kafka(KafkaSettings kafka, int records, long seed, Path work) throws Exception {
        String topic = "bench.ceiling." + System.nanoTime() % 100_000;
        TopicAdmin.ensure(kafka, List.of(new TopicSpec(topic, "customerId", Transports.marketEvents(), 12,
                TopicSpec.Cleanup.DELETE, Duration.ofHours(1))));
        Path payloads = work.resolve("ceiling-payloads.ndjson");
        writePayloads(payloads, seed);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "-Dlog4j2.level=WARN", "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", String.valueOf(records),
                "--throughput", "-1", "--payload-file", payloads.toString(), "--producer.config", producerConfig(kafka, work).toString()));
        Path log = work.resolve("producer-performance.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("ProducerPerformance did not finish in 10 minutes; see " + log);
            }
        } finally {
            Files.deleteIfExists(payloads);
        }
        List<String> lines = Files.readAllLines(log);
        return lines.stream().filter(l -> RATE.matcher(l).find()).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("ProducerPerformance printed no summary (exit " + p.exitValue() + "); see " + log));
    }

    private static void writePayloads(Path file, long seed) throws IOException {
        var simulator = new MarketSimulator(Market.generate(20_000, 5_000, new SplittableRandom(seed)), MarketSimulator.Profile.defaults(),
                new SplittableRandom(seed + 1), new EventIds(InstantSource.system(), new SplittableRandom(seed)), null);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            b.append(JsonPayloads.toJson(simulator.next(i, Instant.now()).payload()).toString()).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }
}
