package io.heomdm.gateway;

import java.time.Instant;

/**
 * One rebuild of a service: where it is ({@code RESETTING} the application, {@code CATCHING_UP} with
 * the log, {@code DONE}, or {@code FAILED} with the error), how many input records it takes in, and
 * how many it has.
 *
 * @param from the time the inputs were read from; null: from the beginning
 */
public record RebuildStatus(String service, String state, Instant from, Instant startedAt, Instant finishedAt, long records, long done,
        String error) {
    public static final String RESETTING = "RESETTING";
    public static final String CATCHING_UP = "CATCHING_UP";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    public boolean finished() {
        return state.equals(DONE) || state.equals(FAILED);
    }
}
