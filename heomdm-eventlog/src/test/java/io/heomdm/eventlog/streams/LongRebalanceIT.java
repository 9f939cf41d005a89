package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heomdm.embedded.EmbeddedKafka;
import io.heomdm.eventlog.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebalance that outlasts Streams' exactly-once transaction timeout (10 s) does not fence a healthy
 * instance. One instance of the application stalls its stream thread for 20 s (as an instance starting on
 * a starved machine does); a third joins meanwhile, and the group waits for the stalled one to rejoin. The
 * healthy instance goes on processing all along, but cannot commit while the group rebalances, so its
 * transaction stays open for the whole wait: with a 10 s timeout the coordinator aborts it and the thread
 * is fenced (its producer is replaced); with the platform's 30 s it commits once the rebalance ends.
 */
class LongRebalanceIT {
    static final Duration STALL = Duration.ofSeconds(20);
    static final CountDownLatch stalling = new CountDownLatch(1);

    @TempDir
    Path dir;

    @Test
    void aHealthyInstanceKeepsItsTransactionThroughARebalanceLongerThanTenSeconds() throws Exception {
        try (var kafka = EmbeddedKafka.start(dir, 0);
                var admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("in", 2, (short) 1), new NewTopic("out", 1, (short) 1))).all().get();
            var feeding = new AtomicBoolean(true);
            try (var survivor = start(kafka.bootstrapServers(), "survivor", false);
                    var staller = start(kafka.bootstrapServers(), "staller", true);
                    var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                            new StringSerializer(), new StringSerializer())) {
                var feeder = new Thread(() -> {
                    while (feeding.get()) {
                        for (int p = 0; p < 2; p++) {
                            producer.send(new ProducerRecord<>("in", p, "k", "r"));
                        }
                        sleep(Duration.ofMillis(50));
                    }
                });
                feeder.start();
                for (int p = 0; p < 2; p++) {
                    producer.send(new ProducerRecord<>("in", p, "k", "stall"));
                }
                assertThat(stalling.await(30, TimeUnit.SECONDS)).as("the staller's thread stalls").isTrue();
                long joined = System.nanoTime();
                try (var third = start(kafka.bootstrapServers(), "third", false)) {
                    var waited = Duration.ofNanos(System.nanoTime() - joined);
                    System.out.printf("the third instance ran %.1f s after it started: the rebalance waited for the stalled one%n", waited.toMillis() / 1e3);
                    assertThat(waited).as("the rebalance waited for the stalled instance").isGreaterThan(Duration.ofSeconds(10));
                    // an abort shows in the survivor's next sends: none refused for a while after the rebalance
                    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                            assertThat(Fences.failedSends.getOrDefault("survivor", new AtomicInteger()).get())
                                    .as("sends of the survivor refused (its transaction aborted under it)").isZero());
                    assertThat(Fences.producers.get("survivor").get()).as("producers the survivor's thread had (a fenced thread gets a new one)")
                            .isEqualTo(1);
                } finally {
                    feeding.set(false);
                    feeder.join();
                }
            }
        }
    }

    private StreamsApp start(String bootstrap, String name, boolean stalls) {
        var kafka = new KafkaSettings(bootstrap, Map.of(StreamsConfig.CLIENT_ID_CONFIG, name,
                StreamsConfig.producerPrefix("interceptor.classes"), Fences.class.getName()), Duration.ofSeconds(10), (short) 1, 1);
        return StreamsApp.start("long-rebalance", () -> topology(stalls), kafka, dir.resolve(name), 1, Duration.ofSeconds(90));
    }

    private static Topology topology(boolean stalls) {
        var builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String())).peek((k, v) -> {
            if (stalls && v.equals("stall") && stalling.getCount() > 0) {
                stalling.countDown();
                sleep(STALL);
            }
        }).to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts, per instance (the client.id's prefix), the producers its threads made and the sends refused. */
    public static final class Fences implements ProducerInterceptor<byte[], byte[]> {
        static final Map<String, AtomicInteger> producers = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> failedSends = new ConcurrentHashMap<>();
        private String instance = "";

        @Override
        public void configure(Map<String, ?> configs) {
            instance = String.valueOf(configs.get("client.id")).split("-")[0];
            producers.computeIfAbsent(instance, i -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                failedSends.computeIfAbsent(instance, i -> new AtomicInteger()).incrementAndGet();
            }
        }

        @Override
        public void close() {
        }
    }
}
