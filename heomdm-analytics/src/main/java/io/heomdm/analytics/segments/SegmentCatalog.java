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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named segments and their rules, checked together: every {@code inSegment} names a segment
 * of the catalogue and no segment depends on itself, through any chain. Segments are evaluated in
 * dependency order, so a rule that reads another segment sees its membership as of the same
 * evaluation.
 */
public final class SegmentCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentCatalog.class);
    private final Map<String, Rule> ordered;
    private final Map<String, Quarantined> quarantine;

    private SegmentCatalog(Map<String, Rule> ordered, Map<String, Quarantined> quarantine) {
        this.ordered = ordered;
        this.quarantine = quarantine;
    }

    /**
     * A rule that threw when evaluated, or a definition that no longer passes the checks ({@code
     * rule} null: written before a limit existed, say): left out until it is defined again.
     */
    public record Quarantined(Rule rule, String error) {
    }

    /** Records why a definition was left out of the running catalogue, or that it is back in ({@code reason} null). */
    void leftOut(String name, String reason) {
        if (reason != null) {
            quarantine.put(name, new Quarantined(null, reason));
        } else {
            quarantine.computeIfPresent(name, (n, q) -> q.rule() == null ? null : q);
        }
    }

    /**
     * These definitions, sharing this catalogue's quarantine: the running topology rebuilds its
     * catalogue when definitions change, and queries read the quarantine through the configured one.
     */
    SegmentCatalog with(Map<String, Rule> definitions) {
        return new SegmentCatalog(of(definitions).ordered, quarantine);
    }

    /** The segments quarantined in this process, by name (each instance quarantines what it evaluated). */
    public Map<String, Quarantined> quarantined() {
        return Map.copyOf(quarantine);
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
        return new SegmentCatalog(ordered, new java.util.concurrent.ConcurrentHashMap<>());
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
            var held = quarantine.get(name);
            if (held != null && held.rule().equals(rule)) {
                return;
            } else if (held != null) {
                quarantine.remove(name); // defined again since: evaluated afresh
            }
            try {
                if (rule.matches(withMembership, now)) {
                    in.add(name);
                }
            } catch (RuntimeException e) {
                // one definition that cannot be evaluated must not cost every customer's update: it is
                // taken out, shown with its error in GET /v1/segments, and back when defined again
                quarantine.put(name, new Quarantined(rule, e.getClass().getSimpleName() + ": " + e.getMessage()));
                LOG.warn("segment {} is quarantined: its rule threw {} when evaluated; define it again to take it back", name, e.getClass().getName());
            }
        });
        return in;
    }
}
