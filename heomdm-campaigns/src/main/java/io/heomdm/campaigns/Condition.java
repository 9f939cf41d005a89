package io.heomdm.campaigns;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A comparison of one field of an event (or of a run's fields, which are its entry event's) with a
 * value: numbers compare as numbers, anything else as text; a missing field satisfies only {@code ne}.
 */
public record Condition(String field, String op, String value) {
    public static final List<String> OPS = List.of("eq", "ne", "gt", "gte", "lt", "lte");

    public boolean test(Map<String, String> fields) {
        String actual = fields.get(field);
        if (actual == null) {
            return op.equals("ne");
        }
        int c = compare(actual, value);
        return switch (op) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "gt" -> c > 0;
            case "gte" -> c >= 0;
            case "lt" -> c < 0;
            case "lte" -> c <= 0;
            default -> throw new IllegalStateException("unchecked operator " + op);
        };
    }

    private static int compare(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return Objects.compare(a, b, String::compareTo);
        }
    }
}
