package io.heomdm.campaigns;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journeys whose evaluation threw: taken out of every customer's evaluation (in this process) until
 * they are defined again, so one definition never costs the events of every customer it sees.
 * Shared by the journeys' stream tasks and read by {@code GET /v1/journeys}.
 */
public final class JourneyQuarantine {
    private static final Logger LOG = LoggerFactory.getLogger(JourneyQuarantine.class);
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    private record Held(Journey journey, String error) {
    }

    /** Whether this very definition is quarantined; a journey defined again since is not. */
    boolean holds(Journey journey) {
        var h = held.get(journey.id());
        return h != null && h.journey().equals(journey);
    }

    /** Runs one journey's part of an evaluation; if it throws, the journey is quarantined and the evaluation goes on without it. */
    void guard(Journey journey, Runnable part) {
        if (holds(journey)) {
            return;
        }
        try {
            part.run();
            if (!held.isEmpty()) {
                held.remove(journey.id()); // an earlier definition of it may have been held (on the hot path: mostly none is)
            }
        } catch (RuntimeException e) {
            held.put(journey.id(), new Held(journey, e.getClass().getSimpleName() + ": " + e.getMessage()));
            LOG.warn("journey {} is quarantined: it threw {} when evaluated; define it again to take it back", journey.id(), e.getClass().getName());
        }
    }

    /** The quarantined journeys by id, with the error. */
    public Map<String, String> quarantined() {
        Map<String, String> out = new TreeMap<>();
        held.forEach((id, h) -> out.put(id, h.error()));
        return out;
    }
}
