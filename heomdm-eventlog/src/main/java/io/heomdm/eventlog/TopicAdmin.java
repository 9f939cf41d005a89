package io.heomdm.eventlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the topics that do not exist yet, and checks that the existing ones match their specs and the settings. */
public final class TopicAdmin {
    private static final String WARM_UP = "heomdm-coordinator-warm-up";

    private TopicAdmin() {
    }

    /** Returns the names of the topics it created. */
    public static Set<String> ensure(KafkaSettings kafka, List<TopicSpec> topics) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            checkExisting(admin, topics.stream().filter(t -> existing.contains(t.name())).toList(), kafka);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), kafka.replicationFactor()).configs(configOf(t, kafka)))
                    .toList();
            Set<String> created = new HashSet<>();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    // another process (or a listing that lagged a creation) got there first: the topic is there
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            return created;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics on " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asks for a group and a transaction coordinator, without waiting for the answers: on a new cluster that is what
     * makes Kafka create its offsets and transaction topics (50 partitions each), which otherwise happens inside the
     * first group's join and the first transactional producer's start — the Streams applications', on the start-up's
     * critical path. On a cluster that has them it costs two lookups. The answers (an unknown group, an unknown
     * transactional id) mean nothing and are not read.
     */
    public static void askForCoordinators(Admin admin) {
        admin.listConsumerGroupOffsets(WARM_UP);
        admin.describeTransactions(List.of(WARM_UP));
    }

    /**
     * Whether {@code topic} would take an acknowledged write now, as far as its metadata tells within
     * {@code within}: every partition has a leader and at least {@code minInsyncReplicas} replicas in
     * sync. False when the cluster does not answer in time.
     */
    public static boolean takesWrites(Admin admin, String topic, int minInsyncReplicas, Duration within) {
        try {
            var described = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) within.toMillis()))
                    .allTopicNames().get(within.toMillis() + 500, TimeUnit.MILLISECONDS).get(topic);
            return described.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty() && p.isr().size() >= minInsyncReplicas);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A topic that is already there must be what its spec and the settings say: the applications
     * co-partition on the partition count (another count sends a customer's events to two tasks), and
     * fewer replicas or a lower {@code min.insync.replicas} than configured would acknowledge writes a
     * broker's death can lose. Kafka does not change either by itself, so a mismatch stops the start,
     * named, rather than running unsafe.
     */
    private static void checkExisting(Admin admin, List<TopicSpec> topics, KafkaSettings kafka)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        var described = admin.describeTopics(topics.stream().map(TopicSpec::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
        var resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
        var configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        List<String> mismatches = new ArrayList<>();
        for (TopicSpec t : topics) {
            var d = described.get(t.name());
            if (d.partitions().size() != t.partitions()) {
                mismatches.add(t.name() + " has " + d.partitions().size() + " partitions where its spec has " + t.partitions()
                        + " (the applications co-partition on it: recreate it)");
            }
            int replicas = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            if (replicas < kafka.replicationFactor()) {
                mismatches.add(t.name() + " has " + replicas + " replica(s) where kafka.replicationFactor is " + kafka.replicationFactor()
                        + " (kafka-reassign-partitions adds them)");
            }
            var minIsr = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name())).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (minIsr != null && Integer.parseInt(minIsr.value()) < kafka.minInsyncReplicas()) {
                mismatches.add(t.name() + " has min.insync.replicas " + minIsr.value() + " where kafka.minInsyncReplicas is "
                        + kafka.minInsyncReplicas() + " (kafka-configs --alter raises it)");
            }
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalStateException("existing topics do not match their specs: " + String.join("; ", mismatches));
        }
    }

    /**
     * A created topic is in use only once every partition has a leader in the metadata the broker
     * answers from: a client that asks before (a Streams global store reading its topic, seen here)
     * finds no partitions and gives up — and until each leader serves it: the metadata names a leader
     * a moment before the broker has opened the partition, and an idempotent producer whose first batch
     * is refused then (NOT_LEADER_OR_FOLLOWER) while a later one lands loops on OUT_OF_ORDER_SEQUENCE_NUMBER.
     * The task queue's topics on Kafka wait the same way.
     */
    public static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!names.isEmpty()) {
            try {
                var described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                if (described.values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                        && leadersServe(admin, described.values())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + names + " still without a leader after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Whether every partition's leader answers ListOffsets, which, like a produce, it does only once it has opened the partition. */
    private static boolean leadersServe(Admin admin, Collection<TopicDescription> topics)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        topics.forEach(t -> t.partitions().forEach(p -> partitions.put(new TopicPartition(t.name(), p.partition()),
                OffsetSpec.latest())));
        try {
            admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            throw e;
        }
    }

    private static Map<String, String> configOf(TopicSpec t, KafkaSettings kafka) {
        Map<String, String> c = new HashMap<>();
        c.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(kafka.minInsyncReplicas()));
        // the envelope's occurredAt travels as the record timestamp: keep the producer's
        c.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        if (t.cleanup() == TopicSpec.Cleanup.COMPACT) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        }
        if (t.retention() != null) {
            c.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(t.retention().toMillis()));
        }
        return c;
    }
}
