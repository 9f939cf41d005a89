package io.heomdm.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far consumer groups are behind the log: per group, the records between its committed
 * positions and the ends of every partition of the topics it has committed on (a partition it has
 * not committed on yet counts from its start). Read through the admin client, as a lag exporter does.
 */
public final class ConsumerLag {
    private final Admin admin;

    public ConsumerLag(Admin admin) {
        this.admin = admin;
    }

    /**
     * A group's position: records behind on all its topics, the partitions counted, and on
     * {@code topic}: the records taken in (its committed offsets there) and behind.
     */
    public record Position(long lag, int partitions, long committedOn, long lagOn) {
        /** Caught up: at most one offset behind per partition, the marker a transaction's commit leaves after the last record. */
        public boolean caughtUp() {
            return lag <= partitions;
        }
    }

    /** The sum of a topic's end offsets: the records written to it, transaction markers included. */
    public static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Each group's position on the log now; {@code topic} is the one whose committed total is reported beside the lag. */
    public Map<String, Position> read(Collection<String> groups, String topic) throws Exception {
        Map<String, ListConsumerGroupOffsetsSpec> specs = groups.stream().collect(Collectors.toMap(g -> g, g -> new ListConsumerGroupOffsetsSpec()));
        var offsets = admin.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> c = new HashMap<>(offsets.partitionsToOffsetAndMetadata(group).get(30, TimeUnit.SECONDS));
            c.values().removeIf(o -> o == null);
            committed.put(group, c);
        }
        Set<String> topics = committed.values().stream().flatMap(c -> c.keySet().stream()).map(TopicPartition::topic).collect(Collectors.toSet());
        if (topics.isEmpty()) {
            return groups.stream().collect(Collectors.toMap(g -> g, g -> new Position(0, 0, 0, 0), (a, b) -> a, LinkedHashMap::new));
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        Map<String, Position> positions = new LinkedHashMap<>();
        committed.forEach((group, c) -> {
            Set<String> its = c.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
            long lag = 0;
            int partitions = 0;
            long on = 0;
            long lagOn = 0;
            for (var end : ends.entrySet()) {
                if (its.contains(end.getKey().topic())) {
                    OffsetAndMetadata at = c.get(end.getKey());
                    partitions++;
                    long behind = Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
                    lag += behind;
                    if (end.getKey().topic().equals(topic)) {
                        on += at == null ? 0 : at.offset();
                        lagOn += behind;
                    }
                }
            }
            positions.put(group, new Position(lag, partitions, on, lagOn));
        });
        return positions;
    }
}
