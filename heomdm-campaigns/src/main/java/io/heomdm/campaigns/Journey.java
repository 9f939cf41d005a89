package io.heomdm.campaigns;

import io.heomdm.events.schema.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A journey: a small state machine a customer runs through, one run at a time. Nodes are visited in
 * order unless a wait or a split names where to go; a run ends at an exit node, after the last
 * node, or when one of {@code exitOn} happens (an order ends a cart abandonment).
 *
 * @param version          part of every message's idempotency key: a changed journey sends again
 * @param reentryCooldown  how long after a run ended the customer may enter again
 * @param transactional    messages bypass consent, suppression, caps and quiet hours (order confirmations)
 */
public record Journey(String id, int version, Entry entry, List<Node> nodes, Set<String> exitOn, Duration reentryCooldown,
        boolean transactional) {
    public Journey {
        nodes = List.copyOf(nodes);
        exitOn = Set.copyOf(exitOn);
    }

    /** What starts a run: an event of a type (and a condition on its fields), or entering a segment. Exactly one of event and segment. */
    public record Entry(String event, String segment, Condition condition) {
        boolean admits(String eventType, Map<String, String> fields) {
            return event != null && event.equals(eventType) && (condition == null || condition.test(fields));
        }
    }

    /** A step of a journey; {@code id} names it in the idempotency key, in decisions and as a branch target. */
    public sealed interface Node {
        String id();
    }

    public record Delay(String id, Duration duration) implements Node {
    }

    /** Waits for an event (or for entering a segment) until a timeout; goes to {@code onEvent} or {@code onTimeout} (node indexes). */
    public record WaitFor(String id, String event, String segment, Duration timeout, int onEvent, int onTimeout) implements Node {
    }

    /** Goes to {@code then} when the condition holds on the run's fields, or for {@code percent} % of runs (a stable draw), else to {@code otherwise}. */
    public record Split(String id, Condition condition, Integer percent, int then, int otherwise) implements Node {
    }

    public record Message(String id, Channel channel, String template) implements Node {
    }

    public record Exit(String id) implements Node {
    }
}
