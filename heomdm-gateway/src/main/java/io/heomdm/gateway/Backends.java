package io.heomdm.gateway;

import io.heomdm.eventlog.EventPublisher;
import java.util.List;
import java.util.Objects;

/**
 * What the resources behind the API ask; the launcher wires in the services (or their DISABLED stand-ins).
 *
 * @param catalogue the event catalogue as Markdown, served as a page at {@code /catalog}; empty: the page answers 404
 */
public record Backends(EventIngestion ingestion, EventPublisher publisher, CustomerQueries customers, AnalyticsQueries analytics,
        DecisionQueries decisions, JourneyQueries journeys, ReportQueries reports, List<HealthCheck> health, KeyRing keys, KeyAdmin keyAdmin,
        AuditTrail audit, DeadLetterAdmin deadLetters, Rebuilds rebuilds, EventCopies copies, String catalogue) {
    public Backends {
        health = List.copyOf(health);
        Objects.requireNonNull(catalogue);
    }

    /** Without reports, a dead-letter console (GET /v1/dead-letters lists nothing), rebuilds, copies or a catalogue. */
    public Backends(EventIngestion ingestion, EventPublisher publisher, CustomerQueries customers, AnalyticsQueries analytics,
            DecisionQueries decisions, JourneyQueries journeys, List<HealthCheck> health, KeyRing keys, KeyAdmin keyAdmin, AuditTrail audit) {
        this(ingestion, publisher, customers, analytics, decisions, journeys, ReportQueries.DISABLED, health, keys, keyAdmin, audit, DeadLetterAdmin.NONE,
                Rebuilds.NONE, EventCopies.NONE, "");
    }

}
