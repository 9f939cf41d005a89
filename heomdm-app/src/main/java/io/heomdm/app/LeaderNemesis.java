package io.heomdm.app;

import io.heomdm.embedded.EmbeddedKafkaCluster;
import io.heomdm.eventlog.MarketTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;

/**
 * The fault of {@link ExactlyOnceCheck}: SIGKILLs the broker that leads most of the activity log's
 * partitions (the ones under write), leaves it down, brings it back and waits for it to rejoin; as
 * often as planned, then says it is done.
 */
final class LeaderNemesis implements Callable<Void> {
    private final EmbeddedKafkaCluster cluster;
    private final int planned;
    private final Duration downtime;
    private final Duration between;
    final AtomicInteger kills = new AtomicInteger();
    /** When each kill happened (System.nanoTime()). */
    final java.util.List<Long> killedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicBoolean done = new AtomicBoolean();
    /** No kill after this (System.nanoTime()): one whose recovery could not be seen before the load ends. */
    private volatile long lastKillBy = Long.MAX_VALUE;

    LeaderNemesis(EmbeddedKafkaCluster cluster, int kills, Duration downtime) {
        this(cluster, kills, downtime, downtime);
    }

    /** @param between how long the cluster runs whole before each kill */
    LeaderNemesis(EmbeddedKafkaCluster cluster, int kills, Duration downtime, Duration between) {
        this.cluster = cluster;
        this.planned = kills;
        this.downtime = downtime;
        this.between = between;
    }

    @Override
    public Void call() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            for (int k = 0; k < planned; k++) {
                Thread.sleep(between.toMillis());
                if (System.nanoTime() > lastKillBy) {
                    break;
                }
                int leader = mostLeading(admin);
                cluster.kill(leader);
                killedAt.add(System.nanoTime());
                kills.incrementAndGet();
                Thread.sleep(downtime.toMillis());
                cluster.restart(leader);
                cluster.awaitAllNodes(Duration.ofSeconds(90));
            }
        } finally {
            done.set(true);
        }
        return null;
    }

    /** Kills none after {@code nanoTime} (System.nanoTime()), planned or not: a restart takes longer on a loaded machine. */
    void killNoneAfter(long nanoTime) {
        lastKillBy = nanoTime;
    }

    private static int mostLeading(Admin admin) throws Exception {
        String topic = MarketTopics.ACTIVITY.name();
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions();
        Map<Integer, Integer> led = new HashMap<>();
        partitions.stream().filter(p -> p.leader() != null).forEach(p -> led.merge(p.leader().id(), 1, Integer::sum));
        return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
