package io.heomdm.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.InstantSource;
import java.util.UUID;

/**
 * The idempotency store: a consumer's side effect for an eventId happens in the same transaction
 * as the row that records it, so a redelivered message finds the row and repeats nothing.
 *
 * <p>The row is inserted first: a concurrent second delivery of the same event blocks on the
 * unique key until the first commits, then finds it done (or, if the first rolled back, does the
 * work itself). Thread-safe.
 */
public final class ProcessedMessages {
    private final Database database;
    private final InstantSource clock;

    public ProcessedMessages(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    /** What {@link #runOnce} did. */
    public enum Outcome {
        DONE_NOW,
        ALREADY_DONE
    }

    public Outcome runOnce(String consumer, UUID eventId, SqlWork<?> sideEffect) {
        return database.inTransaction(c -> {
            if (!markProcessed(c, consumer, eventId)) {
                return Outcome.ALREADY_DONE;
            }
            sideEffect.run(c);
            return Outcome.DONE_NOW;
        });
    }

    public boolean isProcessed(String consumer, UUID eventId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select 1 from processed_messages where consumer = ? and event_id = ?")) {
                ps.setString(1, consumer);
                ps.setObject(2, eventId);
                return ps.executeQuery().next();
            }
        });
    }

    private boolean markProcessed(Connection c, String consumer, UUID eventId) throws SQLException {
        return SqlWork.insertUnlessPresent(c, "insert into processed_messages (consumer, event_id, processed_at) values (?, ?, ?)", ps -> {
            ps.setString(1, consumer);
            ps.setObject(2, eventId);
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
        });
    }
}
