package io.heomdm.eventlog;

import io.heomdm.events.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;

/**
 * What one part of HEOMDM reads and writes, declared next to its code by the part itself: the
 * event catalogue ({@code docs/catalog.md}, {@code /catalog}) is generated from these, and a Streams
 * application's declaration is checked against its topology ({@link #mismatches}).
 *
 * @param part who reads and writes: a Streams application id, a consumer group, a worker, an API
 * @param summary one line on what it does
 */
public record Dataflow(String part, String summary, List<Flow> reads, List<Flow> writes) {

    /** Where a flow goes: a Kafka topic, a task queue, or outside HEOMDM (an integration, a client). */
    public enum Channel {
        TOPIC,
        QUEUE,
        OUTSIDE
    }

    /** Some event types on one channel. */
    public record Flow(Channel channel, String name, List<EventType<?>> types) {
        public Flow {
            Objects.requireNonNull(channel);
            Objects.requireNonNull(name);
            types = List.copyOf(types);
            if (types.isEmpty()) {
                throw new IllegalArgumentException(name + ": a flow names at least one event type");
            }
        }
    }

    public Dataflow {
        Objects.requireNonNull(part);
        Objects.requireNonNull(summary);
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
    }

    public static Builder of(String part, String summary) {
        return new Builder(part, summary);
    }

    /** The topics this part reads or writes. */
    public Set<String> topics(List<Flow> flows) {
        Set<String> names = new TreeSet<>();
        flows.stream().filter(f -> f.channel() == Channel.TOPIC).forEach(f -> names.add(f.name()));
        return names;
    }

    /**
     * How a Streams application's topology differs from this declaration: topics it reads or writes
     * that are not declared, and declared ones it does not touch. Its own internal topics (repartition
     * and changelog topics, prefixed by the application id) and dead-letter topics are not flows.
     */
    public List<String> mismatches(TopologyDescription topology) {
        Set<String> sources = new TreeSet<>();
        Set<String> sinks = new TreeSet<>();
        for (var sub : topology.subtopologies()) {
            collect(sub.nodes(), sources, sinks);
        }
        for (var global : topology.globalStores()) {
            sources.addAll(global.source().topicSet());
        }
        sources.removeIf(this::internal);
        sinks.removeIf(this::internal);
        List<String> problems = new ArrayList<>();
        compare("reads", sources, topics(reads), problems);
        compare("writes", sinks, topics(writes), problems);
        return problems;
    }

    private boolean internal(String topic) {
        return topic.startsWith(part + "-") || topic.endsWith("-repartition");
    }

    private void compare(String verb, Set<String> actual, Set<String> declared, List<String> problems) {
        actual.stream().filter(t -> !declared.contains(t)).forEach(t -> problems.add(part + " " + verb + " " + t + " but does not declare it"));
        declared.stream().filter(t -> !actual.contains(t)).forEach(t -> problems.add(part + " declares it " + verb + " " + t + " but its topology does not"));
    }

    private static void collect(Set<TopologyDescription.Node> nodes, Set<String> sources, Set<String> sinks) {
        for (var node : nodes) {
            if (node instanceof TopologyDescription.Source source) {
                if (source.topicSet() != null) {
                    sources.addAll(source.topicSet());
                }
            } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                sinks.add(sink.topic());
            }
        }
    }

    /** Declares flows; a topic's types are checked against what its specification says it carries. */
    public static final class Builder {
        private final String part;
        private final String summary;
        private final List<Flow> reads = new ArrayList<>();
        private final List<Flow> writes = new ArrayList<>();

        private Builder(String part, String summary) {
            this.part = part;
            this.summary = summary;
        }

        public Builder reads(TopicSpec topic, EventType<?>... types) {
            reads.add(topicFlow(topic, types));
            return this;
        }

        public Builder writes(TopicSpec topic, EventType<?>... types) {
            writes.add(topicFlow(topic, types));
            return this;
        }

        public Builder readsQueue(String queue, EventType<?> task) {
            reads.add(new Flow(Channel.QUEUE, queue, List.of(task)));
            return this;
        }

        public Builder writesQueue(String queue, EventType<?> task) {
            writes.add(new Flow(Channel.QUEUE, queue, List.of(task)));
            return this;
        }

        /** Types that come from outside HEOMDM ({@code from} says who sends them and how). */
        public Builder readsFromOutside(String from, EventType<?>... types) {
            reads.add(new Flow(Channel.OUTSIDE, from, List.of(types)));
            return this;
        }

        public Dataflow build() {
            return new Dataflow(part, summary, reads, writes);
        }

        private static Flow topicFlow(TopicSpec topic, EventType<?>... types) {
            for (EventType<?> type : types) {
                if (!topic.carries(type.name())) {
                    throw new IllegalArgumentException(topic.name() + " does not carry " + type.name());
                }
            }
            return new Flow(Channel.TOPIC, topic.name(), List.of(types));
        }
    }
}
