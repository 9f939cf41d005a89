package io.heomdm.events;

import java.util.List;

/** Input that does not satisfy its schema; lists every violation found, not just the first. */
public final class InvalidPayloadException extends Exception {
    private final List<Violation> violations;

    public InvalidPayloadException(List<Violation> violations) {
        super(violations.toString());
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
