package io.heomdm.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * What has been written to each topic of a cluster: records (the sum of its end offsets, transaction
 * markers included) and bytes on the brokers' disks (every replica). Two snapshots apart say what a
 * workload costs the brokers per topic, the first thing to know about a broker that is busier than its
 * input explains.
 */
public final class LogWrites {
    private LogWrites() {
    }

    /** Records and bytes written to a topic. */
    public record Written(long records, long bytes) {
        Written minus(Written o) {
            return new Written(records - o.records, bytes - o.bytes);
        }
    }

    /** Every topic's writes now, internal topics included (the transaction state and consumer offsets are part of the cost). */
    public static Map<String, Written> snapshot(Admin admin) throws Exception {
        var topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<String, Long> records = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> records.merge(tp.topic(), info.offset(), Long::sum));
        Map<String, Long> bytes = new HashMap<>();
        var brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id).toList();
        admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values().forEach(dirs -> dirs.values().forEach(dir ->
                dir.replicaInfos().forEach((tp, replica) -> bytes.merge(tp.topic(), replica.size(), Long::sum))));
        Map<String, Written> written = new TreeMap<>();
        records.forEach((topic, n) -> written.put(topic, new Written(n, bytes.getOrDefault(topic, 0L))));
        return written;
    }

    /**
     * What was written between two snapshots, per topic that grew. Bytes are what the log directories hold,
     * so a topic whose segments were deleted or compacted in between shows less than was written.
     */
    public static Map<String, Written> between(Map<String, Written> before, Map<String, Written> after) {
        Map<String, Written> grown = new TreeMap<>();
        after.forEach((topic, w) -> {
            Written d = w.minus(before.getOrDefault(topic, new Written(0, 0)));
            if (d.records() > 0) {
                grown.put(topic, d);
            }
        });
        return grown;
    }
}
