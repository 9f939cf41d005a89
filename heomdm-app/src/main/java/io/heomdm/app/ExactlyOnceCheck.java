package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.bench.Progress;
import io.heomdm.embedded.EmbeddedKafkaCluster;
import io.heomdm.eventlog.MarketTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Exactly once from a client's retry to every count, checked the way Jepsen checks Kafka: the
 * platform runs on a cluster of three brokers in child processes (replication 3, min.insync 2);
 * clients post orders through the API, each customer's in sequence, retrying every unanswered or
 * 503 batch with the same eventIds and sending some acknowledged ones again on purpose; meanwhile
 * the broker leading most partitions of the activity log is SIGKILLed again and again and brought
 * back. Afterwards the log and the customers' profiles are read and counted per customer:
 * acknowledged orders missing from the log or from the profile (lost), orders counted more than
 * once in the profile (twice), and orders that reached the log in another order than the client
 * had them acknowledged (inversions). All three must be 0.
 */
final class ExactlyOnceCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "eo-";

    record Plan(int events, int kills, int clients, int customersPerClient, double resendFraction, Duration downtime, Duration settle) {
        static Plan of(int events, int kills) {
            return new Plan(events, kills, 8, 50, 0.05, Duration.ofSeconds(3), Duration.ofMinutes(3));
        }
    }

    record Result(int kills, long acknowledged, long posts, long resent, long answered503, long lostInLog, long lostInProfiles,
            long countedTwice, long inversions, Duration elapsed) {
        boolean holds() {
            return lostInLog == 0 && lostInProfiles == 0 && countedTwice == 0 && inversions == 0;
        }
    }

    /** One acknowledged order. */
    record Order(String eventId, BigDecimal total) {
    }

    static Result run(Plan plan, Path dir, PrintStream out) throws Exception {
        var progress = new Progress(out, 4);
        long start = System.nanoTime();
        progress.step("starting three brokers (replication 3, min.insync 2) and the platform on them");
        return onCluster(dir, "exactly-once-check", (cluster, client) -> {
            progress.done("API at " + client.base());

            progress.step(String.format("posting at least %,d orders from %d clients while the activity log's leader is killed %d times",
                    plan.events(), plan.clients(), plan.kills()));
            var nemesis = new LeaderNemesis(cluster, plan.kills(), plan.downtime());
            var acknowledged = new ConcurrentHashMap<String, List<Order>>();
            var counters = new Counters();
            ExecutorService pool = Executors.newFixedThreadPool(plan.clients() + 1);
            try {
                Future<?> kills = pool.submit(nemesis);
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < plan.clients(); c++) {
                    int id = c;
                    int share = (plan.events() + plan.clients() - 1) / plan.clients();
                    clients.add(pool.submit(() -> {
                        post(client, id, plan.customersPerClient(), plan.resendFraction(), (customer, order) -> acknowledged.computeIfAbsent(customer,
                            k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(order), counters,
                                sent -> sent < share || !nemesis.done.get(), 0);
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get();
                }
                kills.get();
            } finally {
                pool.shutdownNow();
            }
            progress.done(String.format("%,d orders acknowledged in %,d posts; %d kills", counters.acknowledged.get(), counters.posts.get(),
                    nemesis.kills.get()));

            progress.step("reading the activity log and every customer's profile");
            long[] log = checkLog(cluster.bootstrapServers(), acknowledged);
            long[] profiles = checkProfiles(client, acknowledged, plan.settle(), out);
            progress.done("read");
            return new Result(nemesis.kills.get(), counters.acknowledged.get(), counters.posts.get(), counters.resent.get(),
                    counters.unavailable.get(), log[0], profiles[0], profiles[1], log[1], Duration.ofNanos(System.nanoTime() - start));
        });
    }

    /** What runs against the platform on the cluster, with a client that may post orders and read profiles. */
    interface OnCluster<T> {
        T run(EmbeddedKafkaCluster cluster, Client client) throws Exception;
    }

    /** Starts three brokers in child processes (replication 3, min.insync 2) and the platform on them, and runs {@code body}. */
    static <T> T onCluster(Path dir, String keyName, OnCluster<T> body) throws Exception {
        try (var cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3, "512m")) {
            var env = new HashMap<String, String>(Map.of("HEOMDM_DATA_DIR", dir.resolve("data").toString(), "HEOMDM_HTTP_PORT", "0",
                    "HEOMDM_KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(), "HEOMDM_KAFKA_REPLICATION_FACTOR", "3",
                    "HEOMDM_KAFKA_MIN_INSYNC_REPLICAS", "2", "HEOMDM_SQS_EMBEDDED_PORT", "0", "HEOMDM_SMTP_EMBEDDED_PORT", "0"));
            try (var platform = Platform.start(ConfigLoader.load(Optional.empty(), env))) {
                String key = platform.issueKey(keyName, Set.of("events:write", "pii:read"), Edge.postableTypes());
                var client = new Client(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                        URI.create("http://127.0.0.1:" + platform.gatewayPort()), key);
                return body.run(cluster, client);
            }
        }
    }

    static final class Counters {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong posts = new AtomicLong();
        final AtomicLong resent = new AtomicLong();
        final AtomicLong unavailable = new AtomicLong();
    }

    /**
     * A client's rounds: one order for each of its customers, posted as one NDJSON batch, the next
     * round only once the batch is acknowledged whole, so each customer's orders are in sequence. It
     * goes on while {@code more} says so of the orders it has sent; with {@code roundsPerSecond} above
     * 0, a round starts no sooner than its turn (a steady rate), else at once.
     */
    static void post(Client client, int id, int customers, double resendFraction, java.util.function.BiConsumer<String, Order> acknowledged,
            Counters counters, java.util.function.LongPredicate more, double roundsPerSecond) throws Exception {
        var random = new SplittableRandom(id);
        long began = System.nanoTime();
        for (long round = 0, sent = 0; more.test(sent); round++) {
            if (roundsPerSecond > 0) {
                long due = began + (long) (round * 1e9 / roundsPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            var body = new StringBuilder();
            Map<String, Order> batch = new LinkedHashMap<>();
            for (int c = 0; c < customers; c++) {
                String customer = PREFIX + id + "-" + c;
                var order = new Order(UUID.randomUUID().toString(), BigDecimal.valueOf(1 + random.nextInt(99_999), 2));
                batch.put(customer, order);
                body.append("""
                        {"eventId":"%s","type":"OrderPlaced","data":{"customerId":"%s","orderId":"o-%d","lines":[],"total":%s}}
                        """.formatted(order.eventId(), customer, round, order.total().toPlainString()));
            }
            int tries = client.postUntilWritten(body.toString(), counters);
            if (random.nextDouble() < resendFraction) {
                tries += client.postUntilWritten(body.toString(), counters); // the client's retry after an answer it did not see
            }
            if (tries > 1) {
                counters.resent.addAndGet(batch.size());
            }
            batch.forEach(acknowledged);
            counters.acknowledged.addAndGet(batch.size());
            sent += batch.size();
        }
    }

    record Client(HttpClient http, URI base, String key) {
        /** Posts an NDJSON batch until 202, again the same after a 503, a 429 or no answer (for up to five minutes); the number of posts. */
        int postUntilWritten(String body, Counters counters) throws InterruptedException {
            long backoff = 100;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            for (int tries = 1; System.nanoTime() < deadline; tries++) {
                counters.posts.incrementAndGet();
                try {
                    var answer = http.send(HttpRequest.newBuilder(base.resolve("/v1/events")).timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/x-ndjson").header("Authorization", "Bearer " + key)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 202) {
                        return tries;
                    }
                    if (answer.statusCode() != 503 && answer.statusCode() != 429) {
                        throw new IllegalStateException("the API answered " + answer.statusCode() + " to a batch of orders: " + answer.body());
                    }
                    counters.unavailable.incrementAndGet();
                } catch (IOException noAnswer) {
                    // maybe written: the same eventId again
                }
                Thread.sleep(backoff);
                backoff = Math.min(2 * backoff, 2_000);
            }
            throw new IllegalStateException("an order was not written within five minutes of retries");
        }

        /**
         * A customer's profile, asked again after a 503 or 429 for up to a minute, waiting as the answer's
         * Retry-After says, as a client would: the stores are not queryable while a rebalance moves them,
         * and the kills end in rebalances. Any other answer (404 included) is the profile's status,
         * counted as nothing.
         */
        JsonNode profile(String customer, long checkDeadline) throws IOException, InterruptedException {
            // a minute per customer at most, and never past the whole check's deadline: an application that does
            // not come back must fail the check in its settle time, not hold it for a minute per customer
            long deadline = Math.min(checkDeadline, System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
            var answer = get("/v1/customers/" + customer);
            while ((answer.statusCode() == 503 || answer.statusCode() == 429) && System.nanoTime() < deadline) {
                // the wait the server asks for (Retry-After, in seconds), within half a second and five
                long seconds = answer.headers().firstValueAsLong("Retry-After").orElse(0);
                Thread.sleep(Math.min(5_000, Math.max(500, seconds * 1_000)));
                answer = get("/v1/customers/" + customer);
            }
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : JSON.createObjectNode().put("status", answer.statusCode());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + key)
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** {lost, inversions}: acknowledged orders not in the committed log, and customers' orders first written out of acknowledged order. */
    static long[] checkLog(String bootstrap, Map<String, List<Order>> acknowledged) {
        Map<String, List<String>> written = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(MarketTopics.ACTIVITY.name()).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    var id = r.headers().lastHeader("heomdm-event-id");
                    if (r.key() != null && r.key().startsWith(PREFIX) && id != null) {
                        written.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new String(id.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        long lost = 0;
        long inversions = 0;
        for (var e : acknowledged.entrySet()) {
            Map<String, Integer> firstAt = new LinkedHashMap<>();
            List<String> log = written.getOrDefault(e.getKey(), List.of());
            for (int i = 0; i < log.size(); i++) {
                firstAt.putIfAbsent(log.get(i), i);
            }
            int previous = -1;
            for (Order o : e.getValue()) {
                Integer at = firstAt.get(o.eventId());
                if (at == null) {
                    lost++;
                } else {
                    inversions += at < previous ? 1 : 0;
                    previous = Math.max(previous, at);
                }
            }
        }
        return new long[] {lost, inversions};
    }

    /** {lost, twice}: per customer, acknowledged orders the profile has not counted, and counts beyond them (by orders and by revenue). */
    static long[] checkProfiles(Client client, Map<String, List<Order>> acknowledged, Duration settle, PrintStream out) throws Exception {
        long deadline = System.nanoTime() + settle.toNanos();
        Map<String, JsonNode> profiles = new HashMap<>();
        while (true) {
            for (var e : acknowledged.entrySet()) {
                JsonNode p = profiles.get(e.getKey());
                if (p == null || p.path("orderCount").asInt() < e.getValue().size()) {
                    profiles.put(e.getKey(), client.profile(e.getKey(), deadline));
                }
            }
            boolean settled = acknowledged.entrySet().stream().allMatch(e -> profiles.get(e.getKey()).path("orderCount").asInt() >= e.getValue().size());
            if (settled || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(1_000);
        }
        Thread.sleep(2_000); // a late duplicate would land now: read once more
        long lost = 0;
        long twice = 0;
        Map<Integer, Integer> answers = new java.util.TreeMap<>();
        long finalRead = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (var e : acknowledged.entrySet()) {
            JsonNode p = client.profile(e.getKey(), finalRead);
            answers.merge(p.path("status").asInt(200), 1, Integer::sum);
            int counted = p.path("orderCount").asInt();
            BigDecimal revenue = p.path("revenue").decimalValue();
            BigDecimal expected = e.getValue().stream().map(Order::total).reduce(BigDecimal.ZERO, BigDecimal::add);
            lost += Math.max(0, e.getValue().size() - counted);
            twice += Math.max(0, counted - e.getValue().size());
            if (counted == e.getValue().size() && revenue.compareTo(expected) != 0) {
                twice++; // the same number of orders, but one counted in place of another
            }
        }
        if (lost > 0) {
            // what an operator would look at first: were the profiles unanswered, or answered short?
            out.printf("%,d orders not counted; profiles answered %s; /health: %s%n", lost, answers, client.get("/health").body());
        }
        return new long[] {lost, twice};
    }
}
