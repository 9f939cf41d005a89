package io.heomdm.decisions.recommendations;

import java.util.List;
import java.util.Map;

/**
 * A customer's interest per item (decayed lazily at read time), the items already bought, and the
 * current session's first distinct items (for viewed-together).
 */
public record CustomerTaste(Map<String, Decayed> affinity, List<String> bought, String sessionId, List<String> sessionItems) {
    public static final CustomerTaste NONE = new CustomerTaste(Map.of(), List.of(), null, List.of());
}
