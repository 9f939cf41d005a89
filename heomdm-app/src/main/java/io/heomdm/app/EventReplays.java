package io.heomdm.app;

import io.heomdm.events.Daemons;
import io.heomdm.app.catalog.PlatformDataflows;
import io.heomdm.eventlog.EventCopy;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventType;
import io.heomdm.events.Violation;
import io.heomdm.gateway.EventCopies;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies of selected events from a platform topic ({@link EventCopy}), each in its own thread, with
 * its progress kept for {@code GET /v1/replay/copies/{id}} until the platform stops.
 */
final class EventReplays implements EventCopies {
    private static final Logger log = LoggerFactory.getLogger("heomdm");
    /** Kafka's own rule for a topic name. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    static final String TARGET_RULE = "must be a topic name of letters, digits, '.', '_' and '-' (at most 249), not internal (__...) nor a "
            + "dead-letter topic (.dlt)";

    /** A topic copies and restores may write to: a valid name, not Kafka's own, not a dead-letter topic. */
    static boolean writableTarget(String topic) {
        return topic != null && TOPIC_NAME.matcher(topic).matches() && !topic.startsWith("__") && !topic.endsWith(".dlt");
    }

    private final KafkaSettings kafka;
    private final InstantSource clock;
    private final Map<String, TopicSpec> topics = PlatformDataflows.topics();
    private final Map<String, CopyStatus> copies = new ConcurrentHashMap<>();

    EventReplays(KafkaSettings kafka, InstantSource clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    @Override
    public List<Violation> check(CopyRequest r) {
        List<Violation> violations = new ArrayList<>();
        TopicSpec source = r.topic() == null ? null : topics.get(r.topic());
        if (source == null) {
            violations.add(new Violation("topic", "must be one of the platform's topics: " + String.join(", ", topics.keySet())));
        }
        if (!writableTarget(r.toTopic())) {
            violations.add(new Violation("toTopic", TARGET_RULE));
        }
        if (r.from() != null && r.to() != null && !r.from().isBefore(r.to())) {
            violations.add(new Violation("to", "must be after from"));
        }
        if (source != null && r.type() != null && !source.carries(r.type())) {
            violations.add(new Violation("type", "must be a type " + source.name() + " carries: " + names(source.types())));
        }
        TopicSpec target = r.toTopic() == null ? null : topics.get(r.toTopic());
        if (source != null && target != null) {
            List<EventType<?>> copied = r.type() == null ? source.types() : source.types().stream().filter(t -> t.name().equals(r.type())).toList();
            List<EventType<?>> refused = copied.stream().filter(t -> !target.carries(t.name())).toList();
            if (!refused.isEmpty()) {
                violations.add(new Violation("toTopic", target.name() + " does not carry " + names(refused) + "; name a type it carries or another topic"));
            }
        }
        return violations;
    }

    @Override
    public CopyStatus start(CopyRequest r) {
        TopicSpec source = topics.get(r.topic());
        if (!r.dryRun() && !topics.containsKey(r.toTopic())) {
            // a new topic is made like the source, so each key lands in one partition as it did there
            try {
                TopicAdmin.ensure(kafka, List.of(new TopicSpec(r.toTopic(), source.keyMeaning(), source.types(), source.partitions(),
                        source.cleanup(), source.retention())));
            } catch (RuntimeException e) {
                // the log away, or a topic of that name made otherwise: an answer, not a 500
                throw new io.heomdm.gateway.Unavailable("replay", r.toTopic() + " cannot be made ready now: " + e.getMessage());
            }
        }
        String id = UUID.randomUUID().toString();
        Instant started = clock.instant();
        copies.put(id, new CopyStatus(id, r, "RUNNING", started, null, 0, 0, 0, 0, null));
        Daemons.start("replay-copy", () -> run(id, r, started));
        return copies.get(id);
    }

    @Override
    public Optional<CopyStatus> status(String id) {
        return Optional.ofNullable(copies.get(id));
    }

    private void run(String id, CopyRequest r, Instant started) {
        var selection = new EventCopy.Selection(r.topic(), Optional.ofNullable(r.from()), Optional.ofNullable(r.to()), Optional.ofNullable(r.key()),
                Optional.ofNullable(r.type()));
        try {
            var result = EventCopy.copy(kafka, selection, r.toTopic(), r.dryRun(),
                    (scanned, total) -> copies.put(id, new CopyStatus(id, r, "RUNNING", started, null, total, scanned, 0, 0, null)));
            long total = copies.get(id).total();
            copies.put(id, new CopyStatus(id, r, "DONE", started, clock.instant(), total, result.scanned(), result.selected(), result.written(), null));
            log.info("Copied {} of {} records of {} to {}{}", result.selected(), result.scanned(), r.topic(), r.toTopic(), r.dryRun() ? " (dry run)" : "");
        } catch (RuntimeException e) {
            var last = copies.get(id);
            copies.put(id, new CopyStatus(id, r, "FAILED", started, clock.instant(), last.total(), last.scanned(), last.selected(), last.written(),
                    e.getMessage()));
            log.warn("Copying {} to {} failed: {}", r.topic(), r.toTopic(), e.getMessage());
        }
    }

    private static String names(List<EventType<?>> types) {
        return String.join(", ", types.stream().map(EventType::name).toList());
    }
}
