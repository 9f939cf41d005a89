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

    /** The oldest rows due by {@code now}, in the order they were written. */
    static List<Entry> due(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select * from outbox where not_before <= ? order by seq limit ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    var envelope = new Envelope(rs.getObject("event_id", UUID.class), rs.getString("event_type"), rs.getInt("schema_version"),
                            rs.getString("event_key"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("correlation_id"),
                            rs.getString("causation_id"), rs.getString("traceparent"));
                    out.add(new Entry(rs.getLong("seq"), rs.getString("destination"),
                            new Event<>(envelope, AvroCodec.decode(envelope, rs.getBytes("payload")))));
                }
            }
            return out;
        }
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
