package io.heomdm.gateway;

import io.heomdm.eventlog.EventPublisher;
import java.util.List;

/** What the resources behind the API ask; the launcher wires in the services (or their DISABLED stand-ins). */
public record Backends(EventIngestion ingestion, EventPublisher publisher, CustomerQueries customers, AnalyticsQueries analytics,
        DecisionQueries decisions, JourneyQueries journeys, List<HealthCheck> health, KeyRing keys, KeyAdmin keyAdmin, AuditTrail audit,
        DeadLetterAdmin deadLetters) {
    public Backends {
        health = List.copyOf(health);
    }

    /** Without a dead-letter console (GET /v1/dead-letters lists nothing). */
    public Backends(EventIngestion ingestion, EventPublisher publisher, CustomerQueries customers, AnalyticsQueries analytics,
            DecisionQueries decisions, JourneyQueries journeys, List<HealthCheck> health, KeyRing keys, KeyAdmin keyAdmin, AuditTrail audit) {
        this(ingestion, publisher, customers, analytics, decisions, journeys, health, keys, keyAdmin, audit, DeadLetterAdmin.NONE);
    }
}
