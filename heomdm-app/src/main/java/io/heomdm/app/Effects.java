package io.heomdm.app;

import io.heomdm.events.Daemons;
import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.campaigns.CampaignsTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The services' visible effects as a reader of their output topics sees them (committed records
 * only): a changed score or segment, a recommendation, a price decision, a campaign delivery. An
 * output record carries the timestamp of the event that caused it, the event's intended send time,
 * so now minus that timestamp is the end-to-end latency from intended send to visible effect.
 */
final class Effects implements AutoCloseable {
    /** The output topics read, by the effect the report names. */
    static final Map<String, String> TOPICS = Map.of(
            "score or segment", AnalyticsTopics.SCORES.name(),
            "recommendation", DecisionsTopics.RECOMMENDATIONS.name(),
            "price decision", DecisionsTopics.PRICES.name(),
            "campaign delivery", CampaignsTopics.DELIVERIES.name());

    /** @param count effects seen; p50 and p99 in milliseconds */
    record Latency(long count, double p50Millis, double p99Millis) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long since;

    private Effects(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed", "client.id", "bench-effects",
                "enable.auto.commit", false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS.values()) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        TOPICS.keySet().forEach(effect -> recorders.put(effect, new Recorder(3)));
        thread = Daemons.thread("bench-effects", this::read);
    }

    static Effects start(String bootstrap) {
        var effects = new Effects(bootstrap);
        effects.thread.start();
        return effects;
    }

    /** Forgets what was seen: from now on only effects of events intended to be sent from now on count. */
    void reset() {
        since = System.currentTimeMillis();
        recorders.values().forEach(Recorder::reset);
    }

    /** The latency of each kind of effect since the last reset. */
    Map<String, Latency> latencies() {
        Map<String, Latency> latencies = new LinkedHashMap<>();
        TOPICS.keySet().stream().sorted().forEach(effect -> {
            Histogram h = recorders.get(effect).getIntervalHistogram();
            latencies.put(effect, new Latency(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99)));
        });
        return latencies;
    }

    private void read() {
        Map<String, String> effectOf = new LinkedHashMap<>();
        TOPICS.forEach((effect, topic) -> effectOf.put(topic, effect));
        while (running) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                long now = System.currentTimeMillis();
                if (r.timestamp() >= since) {
                    recorders.get(effectOf.get(r.topic())).recordValue(Math.max(0, now - r.timestamp()));
                }
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
