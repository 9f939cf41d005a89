package io.heomdm.eventlog;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.JsonPayloads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The dead letters of the event log: every topic named {@code *.dlt} that is not a task queue's
 * ({@code queue.*}) — a Streams application's {@code <applicationId>.dlt} and a consumer group's
 * {@code <topic>.<group>.dlt}. What is parked lies between a partition's log start and its end. A
 * replay appends each record to the topic it came from (key, value and its own headers, so eventId
 * and trace are kept; consumers deduplicate by eventId) and, once all are acknowledged, deletes them
 * by moving the log start ({@code deleteRecords}); Kafka cannot move records between topics.
 */
public final class EventDeadLetters implements AutoCloseable {
    private final KafkaSettings kafka;
    private final Admin admin;

    public EventDeadLetters(KafkaSettings kafka) {
        this.kafka = kafka;
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        this.admin = Admin.create(props);
    }

    /** A dead-letter topic and how many records it holds. */
    public record Parked(String topic, long records) {
    }

    /**
     * One dead letter.
     *
     * @param id       partition@offset in the dead-letter topic
     * @param envelope the event's own headers (eventId, type, trace, ...)
     * @param from     where it was read when it failed: topic-partition@offset
     * @param reason   the exception and its message
     * @param payload  the event as JSON; null when it cannot be decoded, and then {@code problem} says why
     */
    public record Letter(String id, Map<String, String> envelope, String from, String reason, int attempts, com.fasterxml.jackson.databind.JsonNode payload,
            String problem) {
    }

    public static boolean isEventDeadLetterTopic(String topic) {
        return topic.endsWith(".dlt") && !topic.startsWith("queue.");
    }

    public List<Parked> list() {
        var names = topics().stream().filter(EventDeadLetters::isEventDeadLetterTopic).sorted().toList();
        List<Parked> out = new ArrayList<>();
        for (String topic : names) {
            out.add(new Parked(topic, parked(topic).count()));
        }
        return out;
    }

    /** Whether {@code topic} is one of the event log's dead-letter topics, and exists. */
    public boolean holds(String topic) {
        return isEventDeadLetterTopic(topic) && topics().contains(topic);
    }

    private java.util.Set<String> topics() {
        return ParkedRecords.await(admin.listTopics().names().toCompletionStage().toCompletableFuture(), "list topics");
    }

    public List<Letter> show(String topic, int max) {
        List<Letter> out = new ArrayList<>();
        parked(requireDeadLetterTopic(topic)).read(r -> {
            out.add(letter(r));
            return out.size() < max;
        });
        return out;
    }

    /** Sends every parked record back to the topic it failed on, then deletes it here; how many. */
    public long replay(String topic) {
        var parked = parked(requireDeadLetterTopic(topic));
        var existing = topics();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(KafkaEventPublisher.properties(kafka, "heomdm-dlq-replay"), new StringSerializer(),
                new ByteArraySerializer())) {
            parked.read(r -> {
                String to = DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.TOPIC);
                // back where it failed, and only there: never into a dead-letter or internal topic, whatever a header says
                if (to == null || isEventDeadLetterTopic(to) || to.startsWith("__") || !existing.contains(to)) {
                    throw new IllegalStateException(topic + " " + r.partition() + "@" + r.offset() + " names no topic it can go back to: " + to);
                }
                var headers = new RecordHeaders();
                for (Header h : r.headers()) {
                    if (!h.key().startsWith("__streams.errors.") && !h.key().startsWith("__heomdm.errors.")) {
                        headers.add(h);
                    }
                }
                var done = new CompletableFuture<Void>();
                producer.send(new ProducerRecord<>(to, null, r.timestamp(), r.key(), r.value(), headers), (m, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                });
                sent.add(done);
                return true;
            });
            ParkedRecords.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)), "replay " + topic);
        }
        parked.delete();
        return sent.size();
    }

    /** Deletes every parked record of the topic for good. */
    public long purge(String topic) {
        var parked = parked(requireDeadLetterTopic(topic));
        parked.delete();
        return parked.count();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    private static String requireDeadLetterTopic(String topic) {
        if (!isEventDeadLetterTopic(topic)) {
            throw new IllegalArgumentException(topic + " is not a dead-letter topic of the event log (*.dlt, not queue.*)");
        }
        return topic;
    }

    private static Letter letter(ConsumerRecord<String, byte[]> r) {
        Map<String, String> headers = new TreeMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        String from = headers.get(DeadLetterHeaders.TOPIC) == null ? null
                : headers.get(DeadLetterHeaders.TOPIC) + "-" + headers.get(DeadLetterHeaders.PARTITION) + "@" + headers.get(DeadLetterHeaders.OFFSET);
        String reason = headers.get(DeadLetterHeaders.EXCEPTION) + ": " + headers.get(DeadLetterHeaders.MESSAGE);
        int attempts = attempts(headers.get(DeadLetterHeaders.ATTEMPTS));
        headers.keySet().removeIf(k -> k.startsWith("__"));
        String id = r.partition() + "@" + r.offset();
        try {
            var envelope = EnvelopeMapping.fromKafka(headers, r.key(), r.timestamp());
            return new Letter(id, headers, from, reason, attempts, JsonPayloads.toJson(AvroCodec.decode(envelope, r.value())), null);
        } catch (RuntimeException e) {
            return new Letter(id, headers, from, reason, attempts, null, e.getMessage());
        }
    }

    /** Streams' own dead letters carry no count: one. A garbled count is shown as one, not as an error. */
    private static int attempts(String header) {
        try {
            return header == null ? 1 : Math.max(1, Integer.parseInt(header));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private ParkedRecords parked(String topic) {
        return ParkedRecords.of(admin, kafka.bootstrapServers(), kafka.clientProperties(), topic);
    }
}
