package io.heomdm.analytics.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.events.Violation;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a rule tree from JSON and checks it whole: every broken rule is reported at once, each
 * as a {@link Violation} whose field is the path into the tree ({@code and[1].pastEvent.days}).
 *
 * <pre>{@code
 * {"and": [
 *   {"property": "orderCount", "op": "gte", "value": 3},
 *   {"pastEvent": {"type": "OrderPlaced", "days": 30, "notOccurred": true}},
 *   {"not": {"inSegment": "unsubscribed"}}
 * ]}
 * }</pre>
 *
 * A node is an object with exactly one of {@code and}, {@code or}, {@code not}, {@code property}
 * (with {@code op} and {@code value}), {@code pastEvent} or {@code inSegment}. A past-event window
 * is {@code days} (the last N days) or {@code from} / {@code to}: whole numbers of days ago, or
 * ISO-8601 instants; {@code min} defaults to 1.
 */
public final class RuleParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KINDS = Set.of("and", "or", "not", "property", "pastEvent", "inSegment");
    /**
     * Bounds that keep one definition from costing a service: a look-back of at most ten years (a
     * window of millions of days overflowed the time arithmetic and stopped analytics at its first
     * evaluation), at most {@value #MAX_DEPTH} levels and {@value #MAX_NODES} nodes (evaluated for every
     * customer on every event and sweep), at most {@value #MAX_VALUES} values in an {@code in}.
     */
    public static final long MAX_DAYS = 3653;
    public static final int MAX_DEPTH = 8;
    public static final int MAX_NODES = 64;
    public static final int MAX_VALUES = 100;
    private static final int MAX_NAME = 100;
    private static final long MAX_COUNT = 1_000_000_000L;
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    private static final Set<String> PAST_EVENT_FIELDS = Set.of("type", "days", "from", "to", "min", "max", "notOccurred");

    /** A rule that breaks the language's rules; {@link #violations} names each place and rule. */
    public static final class InvalidRuleException extends IllegalArgumentException {
        private final List<Violation> violations;

        public InvalidRuleException(List<Violation> violations) {
            super("invalid rule: " + String.join("; ", violations.stream().map(v -> v.field() + ": " + v.rule()).toList()));
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    private final List<Violation> violations = new ArrayList<>();

    private RuleParser() {
    }

    public static Rule parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRuleException(List.of(new Violation("rule", "must be JSON: " + e.getOriginalMessage())));
        }
    }

    /** Violations are named from {@code rule} ({@code rule.and[1].pastEvent.days}). */
    public static Rule parse(JsonNode tree) {
        return parse(tree, "rule");
    }

    /** Violations are named from {@code root}: the field that holds the tree in a larger document. */
    public static Rule parse(JsonNode tree, String root) {
        var parser = new RuleParser();
        Rule rule = parser.node(tree, root);
        if (!parser.violations.isEmpty()) {
            throw new InvalidRuleException(parser.violations);
        }
        return rule;
    }

    private int depth;
    private int nodes;

    private Rule node(JsonNode n, String path) {
        if (++nodes > MAX_NODES) {
            return nodes == MAX_NODES + 1 ? broken(path, "is one node too many: a rule may have at most " + MAX_NODES) : null;
        }
        if (depth >= MAX_DEPTH) {
            return broken(path, "is nested too deep: a rule may have at most " + MAX_DEPTH + " levels");
        }
        depth++;
        try {
            return kind(n, path);
        } finally {
            depth--;
        }
    }

    private Rule kind(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            return broken(path, "must be an object with one of and, or, not, property, pastEvent, inSegment");
        }
        List<String> kinds = new ArrayList<>();
        n.fieldNames().forEachRemaining(f -> {
            if (KINDS.contains(f)) {
                kinds.add(f);
            }
        });
        if (kinds.size() != 1) {
            return broken(path, kinds.isEmpty() ? "must have one of and, or, not, property, pastEvent, inSegment"
                    : "must have only one of " + String.join(", ", kinds));
        }
        String kind = kinds.get(0);
        String at = join(path, kind);
        return switch (kind) {
            case "and", "or" -> {
                unknownFields(n, path, Set.of(kind));
                List<Rule> rules = list(n.get(kind), at);
                yield kind.equals("and") ? new Rule.And(rules) : new Rule.Or(rules);
            }
            case "not" -> {
                unknownFields(n, path, Set.of(kind));
                yield new Rule.Not(node(n.get(kind), at));
            }
            case "property" -> compare(n, path);
            case "pastEvent" -> {
                unknownFields(n, path, Set.of(kind));
                yield pastEvent(n.get(kind), at);
            }
            default -> {
                unknownFields(n, path, Set.of(kind));
                yield new Rule.InSegment(name(n.get(kind), at));
            }
        };
    }

    private List<Rule> list(JsonNode n, String path) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            broken(path, "must be a non-empty array of rules");
            return List.of();
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            Rule r = node(n.get(i), path + "[" + i + "]");
            if (r != null) { // broken: its violation is recorded, and no rule is returned
                rules.add(r);
            }
        }
        return rules;
    }

    private Rule compare(JsonNode n, String path) {
        unknownFields(n, path, Set.of("property", "op", "value"));
        String property = name(n.get("property"), join(path, "property"));
        JsonNode opNode = n.get("op");
        Rule.Compare.Op op;
        try {
            op = Rule.Compare.Op.valueOf(opNode == null || !opNode.isTextual() ? "" : opNode.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return broken(join(path, "op"), "must be one of eq, ne, gt, gte, lt, lte, in, exists");
        }
        JsonNode v = n.get("value");
        String at = join(path, "value");
        Object value = switch (op) {
            case EXISTS -> v == null || v.isBoolean() ? v == null || v.asBoolean() : broken(at, "must be true or false (default true) for exists");
            case GT, GTE, LT, LTE -> v != null && v.isNumber() ? v.numberValue() : broken(at, "must be a number for " + op.name().toLowerCase(Locale.ROOT));
            case IN -> {
                if (v == null || !v.isArray() || v.isEmpty()) {
                    yield broken(at, "must be a non-empty array of strings, numbers or booleans for in");
                }
                if (v.size() > MAX_VALUES) {
                    yield broken(at, "must hold at most " + MAX_VALUES + " values");
                }
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    values.add(scalar(v.get(i), at + "[" + i + "]"));
                }
                yield values;
            }
            default -> scalar(v, at);
        };
        return new Rule.Compare(property, op, value);
    }

    private Object scalar(JsonNode v, String path) {
        if (v != null && v.isNumber()) {
            return v.numberValue();
        }
        if (v != null && (v.isTextual() || v.isBoolean())) {
            return v.isTextual() ? v.asText() : v.asBoolean();
        }
        return broken(path, "must be a string, a number or a boolean");
    }

    private Rule pastEvent(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            return broken(path, "must be an object with type and days, or from and to");
        }
        unknownFields(n, path, PAST_EVENT_FIELDS);
        String type = name(n.get("type"), join(path, "type"));
        Rule.Window window;
        boolean days = n.has("days");
        if (days == (n.has("from") || n.has("to"))) {
            window = broken(path, "must have either days, or from and to");
        } else if (days) {
            long d = wholeNumber(n.get("days"), join(path, "days"), 1, MAX_DAYS);
            window = new Rule.Window.Relative(Duration.ofDays(d), Duration.ZERO);
        } else {
            window = fromTo(n, path);
        }
        boolean notOccurred = false;
        if (n.has("notOccurred")) {
            JsonNode no = n.get("notOccurred");
            if (no.isBoolean()) {
                notOccurred = no.asBoolean();
            } else {
                broken(join(path, "notOccurred"), "must be true or false");
            }
        }
        if (notOccurred && (n.has("min") || n.has("max"))) {
            broken(path, "notOccurred cannot be combined with min or max");
        }
        long min = n.has("min") ? wholeNumber(n.get("min"), join(path, "min"), 0, MAX_COUNT) : 1;
        OptionalLong max = n.has("max") ? OptionalLong.of(wholeNumber(n.get("max"), join(path, "max"), 0, MAX_COUNT)) : OptionalLong.empty();
        if (max.isPresent() && max.getAsLong() < min) {
            broken(join(path, "max"), "must be at least min (" + min + ")");
        }
        return new Rule.PastEvent(type, window, min, max, notOccurred);
    }

    /** from / to: both whole numbers of days ago (from the older), or both ISO-8601 instants. */
    private Rule.Window fromTo(JsonNode n, String path) {
        JsonNode from = n.get("from");
        JsonNode to = n.get("to");
        if (from == null || to == null) {
            return broken(path, "must have both from and to");
        }
        if (from.isIntegralNumber() && to.isIntegralNumber()) {
            long f = wholeNumber(from, join(path, "from"), 1, MAX_DAYS);
            long t = wholeNumber(to, join(path, "to"), 0, MAX_DAYS);
            if (t >= f) {
                return broken(join(path, "to"), "must be fewer days ago than from (" + f + ")");
            }
            return new Rule.Window.Relative(Duration.ofDays(f), Duration.ofDays(t));
        }
        if (from.isTextual() && to.isTextual()) {
            Instant f = instant(from, join(path, "from"));
            Instant t = instant(to, join(path, "to"));
            if (f != null && t != null && !t.isAfter(f)) {
                return broken(join(path, "to"), "must be after from");
            }
            return new Rule.Window.Fixed(f, t);
        }
        return broken(path, "from and to must both be whole numbers of days ago or both ISO-8601 instants");
    }

    private Instant instant(JsonNode n, String path) {
        try {
            Instant at = Instant.parse(n.asText());
            return at.isBefore(EARLIEST) || at.isAfter(LATEST) ? broken(path, "must be between 1970 and 2100") : at;
        } catch (DateTimeParseException e) {
            return broken(path, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
    }

    private long wholeNumber(JsonNode n, String path, long least, long most) {
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < least || n.asLong() > most) {
            broken(path, "must be a whole number from " + least + " to " + most + (most == MAX_DAYS ? " (ten years)" : ""));
            return least;
        }
        return n.asLong();
    }

    private String name(JsonNode n, String path) {
        if (n == null || !n.isTextual() || n.asText().isBlank() || n.asText().length() > MAX_NAME) {
            broken(path, "must be a non-empty string of at most " + MAX_NAME + " characters");
            return "";
        }
        return n.asText();
    }

    private void unknownFields(JsonNode n, String path, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                broken(join(path, f), "is not a field here; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private <T> T broken(String path, String rule) {
        violations.add(new Violation(path, rule));
        return null;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
