package io.heomdm.analytics.segments;

import io.heomdm.events.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named segments and their rules, checked together: every {@code inSegment} names a segment
 * of the catalogue and no segment depends on itself, through any chain. Segments are evaluated in
 * dependency order, so a rule that reads another segment sees its membership as of the same
 * evaluation.
 */
public final class SegmentCatalog {
    private final Map<String, Rule> ordered;

    private SegmentCatalog(Map<String, Rule> ordered) {
        this.ordered = ordered;
    }

    /** Checks the definitions; a broken reference or a cycle is an {@link RuleParser.InvalidRuleException} naming the segment. */
    public static SegmentCatalog of(Map<String, Rule> definitions) {
        List<Violation> violations = new ArrayList<>();
        Map<String, Set<String>> uses = new HashMap<>();
        definitions.forEach((name, rule) -> {
            Set<String> used = new LinkedHashSet<>();
            collect(rule, used);
            uses.put(name, used);
            for (String u : used) {
                if (!definitions.containsKey(u)) {
                    violations.add(new Violation("segments." + name, "inSegment names " + u + ", which is not a segment"));
                }
            }
        });
        Map<String, Rule> ordered = new LinkedHashMap<>();
        Set<String> visiting = new HashSet<>();
        for (String name : definitions.keySet().stream().sorted().toList()) {
            visit(name, definitions, uses, ordered, visiting, new ArrayList<>(), violations);
        }
        if (!violations.isEmpty()) {
            throw new RuleParser.InvalidRuleException(violations);
        }
        return new SegmentCatalog(ordered);
    }

    private static void visit(String name, Map<String, Rule> definitions, Map<String, Set<String>> uses, Map<String, Rule> ordered,
            Set<String> visiting, List<String> chain, List<Violation> violations) {
        if (ordered.containsKey(name) || !definitions.containsKey(name)) {
            return;
        }
        if (!visiting.add(name)) {
            int from = chain.indexOf(name);
            var cycle = new ArrayList<>(chain.subList(from, chain.size()));
            cycle.add(name);
            violations.add(new Violation("segments." + name, "depends on itself: " + String.join(" → ", cycle)));
            return;
        }
        chain.add(name);
        for (String u : uses.get(name)) {
            visit(u, definitions, uses, ordered, visiting, chain, violations);
        }
        chain.remove(chain.size() - 1);
        visiting.remove(name);
        ordered.putIfAbsent(name, definitions.get(name));
    }

    private static void collect(Rule rule, Set<String> used) {
        if (rule instanceof Rule.And a) {
            a.rules().forEach(r -> collect(r, used));
        } else if (rule instanceof Rule.Or o) {
            o.rules().forEach(r -> collect(r, used));
        } else if (rule instanceof Rule.Not n) {
            collect(n.rule(), used);
        } else if (rule instanceof Rule.InSegment s) {
            used.add(s.segment());
        }
    }

    public Set<String> names() {
        return ordered.keySet();
    }

    /** The rules by name, in evaluation order. */
    public Map<String, Rule> rules() {
        return Collections.unmodifiableMap(ordered);
    }

    /**
     * The segments a customer is in now: each rule evaluated in dependency order, with
     * {@code inSegment} answered from this same evaluation.
     */
    public Set<String> evaluate(Rule.Facts facts, Instant now) {
        Set<String> in = new LinkedHashSet<>();
        Rule.Facts withMembership = new Rule.Facts() {
            @Override
            public java.util.Optional<Object> property(String name) {
                return facts.property(name);
            }

            @Override
            public long eventCount(String type, Instant from, Instant to) {
                return facts.eventCount(type, from, to);
            }

            @Override
            public boolean inSegment(String segment) {
                return in.contains(segment);
            }
        };
        ordered.forEach((name, rule) -> {
            if (rule.matches(withMembership, now)) {
                in.add(name);
            }
        });
        return in;
    }
}
