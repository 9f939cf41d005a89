package io.heomdm.storage;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The transactional outbox: a fact or task is written in the transaction of the state change it
 * announces, so that no change is stored without being published nor published without being
 * stored. {@link OutboxRelay} publishes the rows and deletes them once acknowledged; a row may be
 * published twice (a relay stopped between the acknowledgement and the delete), never lost, so its
 * consumers deduplicate by eventId as every consumer here does.
 *
 * <p>A destination is {@code topic:<name>} or {@code queue:<name>}. A row with a later
 * {@code notBefore} waits until then: a durable timer that survives restarts.
 */
public final class Outbox {
    private static final String TOPIC = "topic:";
    private static final String QUEUE = "queue:";

    private Outbox() {
    }

    public static String topic(String name) {
        return TOPIC + name;
    }

    public static String queue(String name) {
        return QUEUE + name;
    }

    /** A row due for publishing. */
    public record Entry(long seq, String destination, Event<SpecificRecord> event) {
        /** The topic's name, or null for a queue. */
        public String topicName() {
            return destination.startsWith(TOPIC) ? destination.substring(TOPIC.length()) : null;
        }

        /** The queue's name, or null for a topic. */
        public String queueName() {
            return destination.startsWith(QUEUE) ? destination.substring(QUEUE.length()) : null;
        }
    }

    /** Appends an event within the caller's transaction, to be published from {@code notBefore} on. */
    public static void append(Connection c, String destination, Event<?> event, Instant notBefore) throws SQLException {
        if (!destination.startsWith(TOPIC) && !destination.startsWith(QUEUE)) {
            throw new IllegalArgumentException("an outbox destination is topic:<name> or queue:<name>, not " + destination);
        }
        Envelope e = event.envelope();
        try (PreparedStatement ps = c.prepareStatement("insert into outbox (destination, event_id, event_type, schema_version, event_key, "
                + "occurred_at, correlation_id, causation_id, traceparent, payload, not_before) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, destination);
            ps.setObject(2, e.eventId());
            ps.setString(3, e.type());
            ps.setInt(4, e.schemaVersion());
            ps.setString(5, e.key());
            ps.setTimestamp(6, Timestamp.from(e.occurredAt()));
            ps.setString(7, e.correlationId());
            ps.setString(8, e.causationId());
            ps.setString(9, e.traceparent());
            ps.setBytes(10, AvroCodec.encode(event.payload()));
            ps.setTimestamp(11, Timestamp.from(notBefore));
            ps.executeUpdate();
        }
    }

    /** A row this relay claimed: its event, or why it cannot be read (then it goes straight to the dead rows). */
    record Claimed(long seq, int attempts, Entry entry, String unreadable) {
    }

    private static final String COLUMNS = "destination, event_id, event_type, schema_version, event_key, occurred_at, correlation_id, "
            + "causation_id, traceparent, payload";

    /**
     * Claims the oldest rows due by {@code now} until {@code leaseUntil}: each is taken only if its
     * {@code not_before} is still what was read (compare-and-set), so of several relays exactly one
     * gets a row; on PostgreSQL {@code FOR UPDATE SKIP LOCKED} also keeps them off each other's rows.
     */
    static List<Claimed> claim(Connection c, Instant now, int limit, Instant leaseUntil) throws SQLException {
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        String select = "select seq, attempts, not_before, " + COLUMNS + " from outbox where not_before <= ? order by seq limit ?"
                + (postgres ? " for update skip locked" : "");
        List<Claimed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select);
                PreparedStatement take = c.prepareStatement("update outbox set not_before = ? where seq = ? and not_before = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong("seq");
                    take.setTimestamp(1, Timestamp.from(leaseUntil));
                    take.setLong(2, seq);
                    take.setTimestamp(3, rs.getTimestamp("not_before"));
                    if (take.executeUpdate() != 1) {
                        continue; // another relay took it
                    }
                    int attempts = rs.getInt("attempts");
                    try {
                        var envelope = new Envelope(rs.getObject("event_id", UUID.class), rs.getString("event_type"), rs.getInt("schema_version"),
                                rs.getString("event_key"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("correlation_id"),
                                rs.getString("causation_id"), rs.getString("traceparent"));
                        out.add(new Claimed(seq, attempts, new Entry(seq, rs.getString("destination"),
                                new Event<>(envelope, AvroCodec.decode(envelope, rs.getBytes("payload")))), null));
                    } catch (RuntimeException e) {
                        out.add(new Claimed(seq, attempts, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
                    }
                }
            }
        }
        return out;
    }

    static void delete(Connection c, List<Long> seqs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from outbox where seq = ?")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A failed attempt: counted, with its error, and tried again from {@code retryAt}. */
    static void failed(Connection c, long seq, int attempts, String error, Instant retryAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update outbox set attempts = ?, last_error = ?, not_before = ? where seq = ?")) {
            ps.setInt(1, attempts);
            ps.setString(2, clip(error));
            ps.setTimestamp(3, Timestamp.from(retryAt));
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
    }

    /** Moves a row to {@code outbox_dead}: the relay goes on behind it, an operator sees it. */
    static void bury(Connection c, long seq, int attempts, String error, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into outbox_dead (seq, " + COLUMNS + ", attempts, last_error, dead_at) select seq, "
                + COLUMNS + ", ?, ?, ? from outbox where seq = ?")) {
            ps.setInt(1, attempts);
            ps.setString(2, clip(error));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
        delete(c, List.of(seq));
    }

    /** A row the relay gave up on. */
    public record DeadRow(long seq, String destination, UUID eventId, String type, String key, int attempts, String lastError, Instant deadAt) {
    }

    /** The dead rows, oldest first. */
    public static List<DeadRow> dead(Database database, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select seq, destination, event_id, event_type, event_key, attempts, last_error, dead_at "
                    + "from outbox_dead order by seq limit ?")) {
                ps.setInt(1, limit);
                List<DeadRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DeadRow(rs.getLong("seq"), rs.getString("destination"), rs.getObject("event_id", UUID.class),
                                rs.getString("event_type"), rs.getString("event_key"), rs.getInt("attempts"), rs.getString("last_error"),
                                rs.getTimestamp("dead_at").toInstant()));
                    }
                }
                return out;
            }
        });
    }

    public static long deadCount(Database database) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from outbox_dead"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Puts dead rows back in the outbox, due at once with their attempts reset (the same eventId: consumers deduplicate); how many. */
    public static int replayDead(Database database, List<Long> seqs, Instant now) {
        return database.inTransaction(c -> {
            int n = 0;
            try (PreparedStatement back = c.prepareStatement("insert into outbox (" + COLUMNS + ", not_before, attempts) select " + COLUMNS
                    + ", ?, 0 from outbox_dead where seq = ?");
                    PreparedStatement gone = c.prepareStatement("delete from outbox_dead where seq = ?")) {
                for (long seq : seqs) {
                    back.setTimestamp(1, Timestamp.from(now));
                    back.setLong(2, seq);
                    n += back.executeUpdate();
                    gone.setLong(1, seq);
                    gone.executeUpdate();
                }
            }
            return n;
        });
    }

    /** Deletes dead rows for good; how many. */
    public static int purgeDead(Database database, List<Long> seqs) {
        return database.inTransaction(c -> {
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("delete from outbox_dead where seq = ?")) {
                for (long seq : seqs) {
                    ps.setLong(1, seq);
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    private static String clip(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }

    /** Rows not yet published, due or not. */
    public static long pending(Database database) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from outbox"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
