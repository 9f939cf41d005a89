package io.heomdm.analytics.segments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A segment's rule: a tree of {@code and} / {@code or} / {@code not} over property comparisons,
 * counts of past events in a time window, and membership of other segments. A rule is a pure
 * function of a customer's {@link Facts} and the time: evaluated again by a wall-clock punctuator
 * with no new event, "no order in the last 30 days" turns true on its own. Parsed and validated by
 * {@link RuleParser}.
 */
public sealed interface Rule {

    boolean matches(Facts facts, Instant now);

    /** What a rule reads about one customer. */
    interface Facts {
        /** A profile property: a {@link Number}, {@link String} or {@link Boolean}; empty when the customer has none. */
        Optional<Object> property(String name);

        /** How many events of {@code type} the customer had in [{@code from}, {@code to}). */
        long eventCount(String type, Instant from, Instant to);

        boolean inSegment(String segment);
    }

    record And(List<Rule> rules) implements Rule {
        public And {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean matches(Facts facts, Instant now) {
            return rules.stream().allMatch(r -> r.matches(facts, now));
        }
    }

    record Or(List<Rule> rules) implements Rule {
        public Or {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean matches(Facts facts, Instant now) {
            return rules.stream().anyMatch(r -> r.matches(facts, now));
        }
    }

    record Not(Rule rule) implements Rule {
        @Override
        public boolean matches(Facts facts, Instant now) {
            return !rule.matches(facts, now);
        }
    }

    /** {@code property op value}; a customer without the property matches only {@code exists: false} and {@code ne}. */
    record Compare(String property, Op op, Object value) implements Rule {
        public enum Op {
            EQ, NE, GT, GTE, LT, LTE, IN, EXISTS
        }

        @Override
        public boolean matches(Facts facts, Instant now) {
            Optional<Object> actual = facts.property(property);
            return switch (op) {
                case EXISTS -> actual.isPresent() == (Boolean) value;
                case EQ -> actual.map(a -> same(a, value)).orElse(false);
                case NE -> actual.map(a -> !same(a, value)).orElse(true);
                case IN -> actual.map(a -> ((List<?>) value).stream().anyMatch(v -> same(a, v))).orElse(false);
                case GT, GTE, LT, LTE -> actual.filter(Number.class::isInstance).map(a -> order(((Number) a).doubleValue())).orElse(false);
            };
        }

        private boolean order(double actual) {
            double limit = ((Number) value).doubleValue();
            return switch (op) {
                case GT -> actual > limit;
                case GTE -> actual >= limit;
                case LT -> actual < limit;
                default -> actual <= limit;
            };
        }

        private static boolean same(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return x.doubleValue() == y.doubleValue();
            }
            return Objects.equals(a, b);
        }
    }

    /**
     * Events of {@code type} in a window: between {@code min} and {@code max} of them (inclusive),
     * or, with {@code notOccurred}, none at all.
     */
    record PastEvent(String type, Window window, long min, OptionalLong max, boolean notOccurred) implements Rule {
        @Override
        public boolean matches(Facts facts, Instant now) {
            long n = facts.eventCount(type, window.from(now), window.to(now));
            if (notOccurred) {
                return n == 0;
            }
            return n >= min && (max.isEmpty() || n <= max.getAsLong());
        }
    }

    record InSegment(String segment) implements Rule {
        @Override
        public boolean matches(Facts facts, Instant now) {
            return facts.inSegment(segment);
        }
    }

    /** A time window, relative to the evaluation time (the last N days, or from N to M days ago) or fixed. */
    sealed interface Window {
        Instant from(Instant now);

        Instant to(Instant now);

        /** From {@code from} ago until {@code to} ago ({@code to} zero: until now, inclusive of events stamped now). */
        record Relative(Duration from, Duration to) implements Window {
            @Override
            public Instant from(Instant now) {
                return now.minus(from);
            }

            @Override
            public Instant to(Instant now) {
                return to.isZero() ? now.plusNanos(1) : now.minus(to);
            }
        }

        record Fixed(Instant from, Instant to) implements Window {
            @Override
            public Instant from(Instant now) {
                return from;
            }

            @Override
            public Instant to(Instant now) {
                return to;
            }
        }
    }
}
