package io.heomdm.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The idempotency store: a consumer's side effect for an eventId happens in the same transaction
 * as the row that records it, so a redelivered message finds the row and repeats nothing.
 *
 * <p>The row is inserted first: a concurrent second delivery of the same event blocks on the
 * unique key until the first commits, then finds it done (or, if the first rolled back, does the
 * work itself). Thread-safe.
 *
 * <p>A call to another system (a mail, a webhook) is not made inside the transaction: it would
 * hold a pooled connection for as long as the other system takes, and every handler waiting for
 * one. {@link #callOnce} claims the eventId for a lease in one short transaction, makes the call
 * holding no connection, then records its result and marks the eventId done in a second. A
 * delivery that dies between the call and the record leaves a claim that lapses: the next delivery
 * after the lease calls again — at least once for the other system, as a rolled-back transaction
 * around the call was before (a webhook receiver gets the eventId as an idempotency key for it; a
 * mail sent twice in that window is sent twice).
 */
public final class ProcessedMessages {
    private final Database database;
    private final InstantSource clock;

    public ProcessedMessages(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    /** What {@link #runOnce} or {@link #callOnce} did. */
    public enum Outcome {
        DONE_NOW,
        ALREADY_DONE,
        /** Another delivery holds the claim and may be making the call right now: try again after the lease. */
        BUSY
    }

    /** A call to another system, made outside any transaction. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
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

    /**
     * {@link #runOnce} for many events in one transaction: each side effect runs unless its eventId
     * was claimed before (in an earlier transaction or earlier in this one). All or nothing.
     */
    public void runOnceEach(String consumer, List<Map.Entry<UUID, SqlWork<?>>> sideEffects) {
        database.inTransaction(c -> {
            for (var e : sideEffects) {
                if (markProcessed(c, consumer, e.getKey())) {
                    e.getValue().run(c);
                }
            }
            return null;
        });
    }

    /**
     * Makes {@code call} once for this consumer and eventId, holding no connection while it runs,
     * then runs {@code record} in the transaction that marks it done. A call that throws releases
     * the claim (the exception is rethrown as it is), so the retry calls again.
     *
     * @param lease longer than the call can take: a claim older than that is taken to be a dead delivery's
     */
    public Outcome callOnce(String consumer, UUID eventId, Duration lease, Call call, SqlWork<?> record) throws Exception {
        // the claim's time is its token: millisecond precision survives every database's timestamp
        Instant until = clock.instant().plus(lease).truncatedTo(ChronoUnit.MILLIS);
        Outcome claimed = database.inTransaction(c -> claim(c, consumer, eventId, until));
        if (claimed != Outcome.DONE_NOW) {
            return claimed;
        }
        try {
            call.run();
        } catch (Exception e) {
            try {
                database.inTransaction(c -> update(c, "delete from processed_messages where consumer = ? and event_id = ? and claimed_until = ?",
                        consumer, eventId, Timestamp.from(until)));
            } catch (RuntimeException releaseFailed) {
                e.addSuppressed(releaseFailed); // the claim lapses by itself after the lease
            }
            throw e;
        }
        return database.inTransaction(c -> {
            if (!update(c, "update processed_messages set claimed_until = null, processed_at = ? where consumer = ? and event_id = ? and claimed_until = ?",
                    Timestamp.from(clock.instant()), consumer, eventId, Timestamp.from(until))) {
                return Outcome.ALREADY_DONE; // the lease lapsed during the call and another delivery took the claim over: it records
            }
            record.run(c);
            return Outcome.DONE_NOW;
        });
    }

    /** DONE_NOW when this delivery now holds the claim until {@code until}. */
    private Outcome claim(Connection c, String consumer, UUID eventId, Instant until) throws SQLException {
        Instant now = clock.instant();
        if (SqlWork.insertUnlessPresent(c, "insert into processed_messages (consumer, event_id, processed_at, claimed_until) values (?, ?, ?, ?)", ps -> {
            ps.setString(1, consumer);
            ps.setObject(2, eventId);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(until));
        })) {
            return Outcome.DONE_NOW;
        }
        Timestamp held;
        try (PreparedStatement ps = c.prepareStatement(
                "select claimed_until from processed_messages where consumer = ? and event_id = ? for update")) {
            ps.setString(1, consumer);
            ps.setObject(2, eventId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Outcome.BUSY; // released between the insert and the select: the next try claims it
                }
                held = rs.getTimestamp(1);
            }
        }
        if (held == null) {
            return Outcome.ALREADY_DONE;
        }
        if (held.toInstant().isAfter(now)) {
            return Outcome.BUSY;
        }
        update(c, "update processed_messages set claimed_until = ? where consumer = ? and event_id = ?", Timestamp.from(until), consumer, eventId);
        return Outcome.DONE_NOW;
    }

    /** Runs an update or delete with these parameters in order; true when it changed a row. */
    private static boolean update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate() == 1;
        }
    }

    /** Whether the consumer is done with the event (a claim in progress is not done). */
    public boolean isProcessed(String consumer, UUID eventId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select 1 from processed_messages where consumer = ? and event_id = ? and claimed_until is null")) {
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
