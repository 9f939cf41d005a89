package io.heomdm.campaigns;

import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventKind;
import io.heomdm.events.schema.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A journey as written in the configuration (or posted to the API), before it is checked:
 *
 * <pre>
 * entry: {event: CartItemAdded, condition: {field: unitPrice, op: gte, value: "20"}}   # or {segment: At Risk}
 * exitOn: [OrderPlaced]
 * reentryCooldownMinutes: 1440
 * steps:
 *   - {delayMinutes: 60}
 *   - {id: first, message: {channel: email, template: cart-reminder}}
 *   - {waitFor: {event: ProductViewed, timeoutMinutes: 1440, onEvent: again, onTimeout: end}}
 *   - {id: again, split: {percent: 50, then: end, else: second}}
 *   - {id: second, message: {channel: email, template: cart-reminder-2}}
 *   - {id: end, exit: true}
 * </pre>
 *
 * Each step is exactly one of delay, message, waitFor, split, exit; a step without an id is named by
 * its position ({@code step-3}).
 */
public record JourneySpec(EntrySpec entry, List<String> exitOn, Integer reentryCooldownMinutes, Integer version, Boolean transactional,
        List<StepSpec> steps) {

    public record EntrySpec(String event, String segment, Condition condition) {
    }

    public record StepSpec(String id, Integer delayMinutes, MessageSpec message, WaitForSpec waitFor, SplitSpec split, Boolean exit) {
    }

    public record MessageSpec(String channel, String template) {
    }

    public record WaitForSpec(String event, String segment, Integer timeoutMinutes, String onEvent, String onTimeout) {
    }

    /** {@code else} is a Java keyword, hence {@code otherwise} with the YAML name {@code else}. */
    public record SplitSpec(Condition condition, Integer percent, String then,
            @com.fasterxml.jackson.annotation.JsonProperty("else") String otherwise) {
    }

    /** The checked journey, or empty with every mistake added to {@code problems}, each named by its path under {@code path}. */
    /** Ten years, in minutes: the longest delay, wait or re-entry cool-down. */
    static final int MAX_MINUTES = 10 * 366 * 24 * 60;
    /** Steps per journey, events that end it: a definition is evaluated on every customer event. */
    static final int MAX_STEPS = 50;
    static final int MAX_EXITS = 20;

    public Optional<Journey> compile(String id, String path, List<String> problems) {
        int before = problems.size();
        if (steps != null && steps.size() > MAX_STEPS) {
            problems.add(path + ".steps: must list at most " + MAX_STEPS + " steps");
            return Optional.empty();
        }
        if (exitOn != null && exitOn.size() > MAX_EXITS) {
            problems.add(path + ".exitOn: must list at most " + MAX_EXITS + " events");
        }
        if (reentryCooldownMinutes != null && reentryCooldownMinutes > MAX_MINUTES) {
            problems.add(path + ".reentryCooldownMinutes: must be at most " + MAX_MINUTES + " (ten years)");
        }
        Journey.Entry checkedEntry = entry(path + ".entry", problems);
        List<String> exits = exitOn == null ? List.of() : exitOn;
        for (int i = 0; i < exits.size(); i++) {
            customerEvent(path + ".exitOn[" + i + "]", exits.get(i), problems);
        }
        if (reentryCooldownMinutes != null && reentryCooldownMinutes < 0) {
            problems.add(path + ".reentryCooldownMinutes: must be 0 or more");
        }
        if (steps == null || steps.isEmpty()) {
            problems.add(path + ".steps: must list at least one step");
            return Optional.empty();
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            String stepId = stepId(i);
            if (index.putIfAbsent(stepId, i) != null) {
                problems.add(path + ".steps[" + i + "].id: " + stepId + " names two steps");
            }
        }
        List<Journey.Node> nodes = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            node(path + ".steps[" + i + "]", stepId(i), steps.get(i), index, problems).ifPresent(nodes::add);
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Journey(id, version == null ? 1 : version, checkedEntry, nodes, new HashSet<>(exits),
                Duration.ofMinutes(reentryCooldownMinutes == null ? 0 : reentryCooldownMinutes), Boolean.TRUE.equals(transactional)));
    }

    private String stepId(int i) {
        String given = steps.get(i) == null ? null : steps.get(i).id();
        return given == null || given.isBlank() ? "step-" + (i + 1) : given;
    }

    private Journey.Entry entry(String path, List<String> problems) {
        if (entry == null || (entry.event() == null) == (entry.segment() == null)) {
            problems.add(path + ": must name exactly one of event (a customer event type) and segment");
            return null;
        }
        if (entry.event() != null) {
            customerEvent(path + ".event", entry.event(), problems);
        } else if (entry.condition() != null) {
            problems.add(path + ".condition: only an event entry has fields to test");
        }
        condition(path + ".condition", entry.condition(), problems);
        return new Journey.Entry(entry.event(), entry.segment(), entry.condition());
    }

    private Optional<Journey.Node> node(String path, String stepId, StepSpec s, Map<String, Integer> index, List<String> problems) {
        if (s == null) {
            problems.add(path + ": is empty");
            return Optional.empty();
        }
        int kinds = (s.delayMinutes() != null ? 1 : 0) + (s.message() != null ? 1 : 0) + (s.waitFor() != null ? 1 : 0)
                + (s.split() != null ? 1 : 0) + (Boolean.TRUE.equals(s.exit()) ? 1 : 0);
        if (kinds != 1) {
            problems.add(path + ": must be exactly one of delayMinutes, message, waitFor, split, exit (found " + kinds + ")");
            return Optional.empty();
        }
        if (s.delayMinutes() != null) {
            if (s.delayMinutes() < 1 || s.delayMinutes() > MAX_MINUTES) {
                problems.add(path + ".delayMinutes: must be 1 to " + MAX_MINUTES + " (ten years)");
            }
            return Optional.of(new Journey.Delay(stepId, Duration.ofMinutes(s.delayMinutes())));
        }
        if (s.message() != null) {
            Channel channel = null;
            try {
                channel = Channel.valueOf(String.valueOf(s.message().channel()).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(path + ".message.channel: must be one of email, sms, push");
            }
            if (s.message().template() == null || s.message().template().isBlank() || s.message().template().length() > 100) {
                problems.add(path + ".message.template: must name a template (at most 100 characters)");
            }
            return Optional.of(new Journey.Message(stepId, channel, s.message().template()));
        }
        if (s.waitFor() != null) {
            var w = s.waitFor();
            if ((w.event() == null) == (w.segment() == null)) {
                problems.add(path + ".waitFor: must name exactly one of event and segment");
            } else if (w.event() != null) {
                customerEvent(path + ".waitFor.event", w.event(), problems);
            }
            if (w.timeoutMinutes() == null || w.timeoutMinutes() < 1 || w.timeoutMinutes() > MAX_MINUTES) {
                problems.add(path + ".waitFor.timeoutMinutes: must be 1 to " + MAX_MINUTES + " (ten years)");
            }
            int onEvent = target(path + ".waitFor.onEvent", w.onEvent(), index, problems);
            int onTimeout = target(path + ".waitFor.onTimeout", w.onTimeout(), index, problems);
            return Optional.of(new Journey.WaitFor(stepId, w.event(), w.segment(),
                    Duration.ofMinutes(w.timeoutMinutes() == null ? 1 : w.timeoutMinutes()), onEvent, onTimeout));
        }
        if (s.split() != null) {
            var sp = s.split();
            if ((sp.condition() == null) == (sp.percent() == null)) {
                problems.add(path + ".split: must have exactly one of condition and percent");
            } else if (sp.percent() != null && (sp.percent() < 0 || sp.percent() > 100)) {
                problems.add(path + ".split.percent: must be 0 to 100");
            }
            condition(path + ".split.condition", sp.condition(), problems);
            int then = target(path + ".split.then", sp.then(), index, problems);
            int otherwise = target(path + ".split.else", sp.otherwise(), index, problems);
            return Optional.of(new Journey.Split(stepId, sp.condition(), sp.percent(), then, otherwise));
        }
        return Optional.of(new Journey.Exit(stepId));
    }

    private static int target(String path, String stepId, Map<String, Integer> index, List<String> problems) {
        Integer i = stepId == null ? null : index.get(stepId);
        if (i == null) {
            problems.add(path + ": must name a step of this journey (" + String.join(", ", index.keySet()) + ")");
            return -1;
        }
        return i;
    }

    private static void condition(String path, Condition c, List<String> problems) {
        if (c == null) {
            return;
        }
        if (c.field() == null || c.field().isBlank()) {
            problems.add(path + ".field: must name a field");
        }
        if (!Condition.OPS.contains(c.op())) {
            problems.add(path + ".op: must be one of " + String.join(", ", Condition.OPS));
        }
        if (c.value() == null) {
            problems.add(path + ".value: must be given");
        }
    }

    private static void customerEvent(String path, String name, List<String> problems) {
        boolean known = EventCatalog.byName(name).filter(t -> t.kind() == EventKind.EVENT && t.keyField().equals("customerId")).isPresent();
        if (!known) {
            problems.add(path + ": " + name + " is not a customer event (" + String.join(", ", EventCatalog.all().stream()
                    .filter(t -> t.kind() == EventKind.EVENT && t.keyField().equals("customerId")).map(t -> t.name()).toList()) + ")");
        }
    }
}
