package io.heomdm.events;

/** One broken rule in an input: which field (a JSON path such as {@code data.lines[0].quantity}) and what the rule is. */
public record Violation(String field, String rule) {
}
