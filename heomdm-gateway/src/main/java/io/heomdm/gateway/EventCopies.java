package io.heomdm.gateway;

import io.heomdm.events.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Re-publishing selected events to a topic ({@code heomdm replay events}), as the gateway asks it. */
public interface EventCopies {
    EventCopies NONE = new EventCopies() {
        @Override
        public List<Violation> check(CopyRequest request) {
            return List.of(new Violation("topic", "no topic can be copied from here: this gateway has no event log behind it"));
        }

        @Override
        public CopyStatus start(CopyRequest request) {
            throw new IllegalStateException("no event log");
        }

        @Override
        public Optional<CopyStatus> status(String id) {
            return Optional.empty();
        }
    };

    /**
     * What to copy: the records of {@code topic} written in [{@code from}, {@code to}), with
     * {@code key} and of {@code type} where given, to {@code toTopic}; a dry run only counts them.
     */
    record CopyRequest(String topic, String toTopic, Instant from, Instant to, String key, String type, boolean dryRun) {
    }

    /**
     * One copy: {@code RUNNING}, {@code DONE} or {@code FAILED} with the error; records {@code scanned}
     * of the {@code total} in the time range, {@code selected} by the filters, {@code written}.
     */
    record CopyStatus(String id, CopyRequest request, String state, Instant startedAt, Instant finishedAt, long total, long scanned, long selected,
            long written, String error) {
        public boolean finished() {
            return !state.equals("RUNNING");
        }
    }

    /** What is wrong with a request, field by field; empty when it can run. */
    List<Violation> check(CopyRequest request);

    /** Starts a checked request in the background. */
    CopyStatus start(CopyRequest request);

    Optional<CopyStatus> status(String id);
}
