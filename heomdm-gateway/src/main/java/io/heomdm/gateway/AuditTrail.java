package io.heomdm.gateway;

import java.time.Instant;
import java.util.List;

/** Where admin actions are recorded (who, when, which request, what); the launcher wires in the database table. */
public interface AuditTrail {
    void record(Principal who, String requestId, String action, String target);

    List<Entry> recent(int limit);

    record Entry(long id, Instant at, String keyId, String keyName, String requestId, String action, String target) {
    }
}
