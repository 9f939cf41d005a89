package io.heomdm.analytics.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.events.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Segments from configuration together with those defined through the API ({@code POST
 * /v1/segments}, kept as JSON on a compacted topic): a new definition is checked against all the
 * others before it is written, and the running topology merges them into one catalogue.
 */
public final class SegmentDefinitions {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every defined segment is evaluated for every customer on every event and sweep. */
    public static final int MAX_DEFINED = 200;

    private SegmentDefinitions() {
    }

    /**
     * What is wrong with defining {@code name} as {@code rule} beside {@code configured} and the
     * {@code defined} ones (name → rule JSON); empty when it may be written. A segment defined
     * through the API may be defined again; one from configuration or a {@code reserved} name may not.
     */
    public static List<Violation> check(String name, JsonNode rule, SegmentCatalog configured, Map<String, String> defined, Set<String> reserved) {
        List<Violation> violations = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            violations.add(new Violation("name", "must be 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit"));
        } else if (reserved.contains(name)) {
            violations.add(new Violation("name", "is an RFM segment's name; choose another"));
        } else if (configured.names().contains(name)) {
            violations.add(new Violation("name", "is defined in the configuration (analytics.segments), which the API does not override"));
        } else if (!defined.containsKey(name) && defined.size() >= MAX_DEFINED) {
            violations.add(new Violation("name", "is one segment too many: at most " + MAX_DEFINED + " may be defined through the API; delete one first"));
        }
        Rule parsed = null;
        if (rule == null || rule.isNull() || rule.isMissingNode()) {
            violations.add(new Violation("rule", "is required: a rule tree"));
        } else {
            try {
                parsed = RuleParser.parse(rule, "rule");
            } catch (RuleParser.InvalidRuleException e) {
                violations.addAll(e.violations());
            }
        }
        if (violations.isEmpty()) {
            Map<String, Rule> all = new LinkedHashMap<>(merge(configured, defined, w -> { }).rules());
            all.put(name, parsed);
            try {
                SegmentCatalog.of(all);
            } catch (RuleParser.InvalidRuleException e) {
                e.violations().forEach(v -> violations.add(new Violation("rule", v.rule())));
            }
        }
        return violations;
    }

    /**
     * The configured segments and the defined ones as one catalogue. A definition that no longer
     * fits (two definitions written at once that together make a cycle, say) is left out and
     * reported to {@code warn}, so one bad definition never stops the others.
     */
    public static SegmentCatalog merge(SegmentCatalog configured, Map<String, String> defined, Consumer<String> warn) {
        Map<String, Rule> all = new LinkedHashMap<>(configured.rules());
        Map<String, String> pending = new TreeMap<>(defined);
        pending.keySet().removeIf(name -> {
            boolean clash = all.containsKey(name);
            if (clash) {
                warn.accept("segment " + name + " is in the configuration; its API definition is ignored");
            }
            return clash;
        });
        Map<String, String> problems = new TreeMap<>();
        // passes until nothing more fits: a definition may name another that sorts after it
        boolean added = true;
        while (added && !pending.isEmpty()) {
            added = false;
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var d = it.next();
                try {
                    Map<String, Rule> candidate = new LinkedHashMap<>(all);
                    candidate.put(d.getKey(), RuleParser.parse(JSON.readTree(d.getValue()), "rule"));
                    SegmentCatalog.of(candidate);
                    all.put(d.getKey(), candidate.get(d.getKey()));
                    it.remove();
                    added = true;
                } catch (RuleParser.InvalidRuleException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    problems.put(d.getKey(), e.getMessage());
                }
            }
        }
        pending.keySet().forEach(name -> warn.accept("segment " + name + " is left out: " + problems.get(name)));
        defined.keySet().forEach(name -> configured.leftOut(name, pending.containsKey(name) ? problems.get(name) : null));
        return configured.with(all);
    }
}
