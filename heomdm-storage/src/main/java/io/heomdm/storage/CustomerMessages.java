package io.heomdm.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The read model of messages sent to customers. Thread-safe. */
public final class CustomerMessages {
    private final Database database;

    public CustomerMessages(Database database) {
        this.database = database;
    }

    /** One message to one customer; {@code messageId} is the eventId of the task that sent it. */
    public record CustomerMessage(UUID messageId, String customerId, String channel, String recipient, String template,
            String subject, String status, String correlationId, String traceparent, Instant createdAt) {
    }

    /** Inserts within the caller's transaction (the one that holds the idempotency row). */
    public static void insert(Connection c, CustomerMessage m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into customer_messages (message_id, customer_id, channel, recipient, "
                + "template, subject, status, correlation_id, traceparent, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, m.messageId());
            ps.setString(2, m.customerId());
            ps.setString(3, m.channel());
            ps.setString(4, m.recipient());
            ps.setString(5, m.template());
            ps.setString(6, m.subject());
            ps.setString(7, m.status());
            ps.setString(8, m.correlationId());
            ps.setString(9, m.traceparent());
            ps.setTimestamp(10, Timestamp.from(m.createdAt()));
            ps.executeUpdate();
        }
    }

    /** The customer's most recent messages, newest first. */
    public List<CustomerMessage> forCustomer(String customerId, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from customer_messages where customer_id = ? "
                    + "order by created_at desc, message_id desc limit ?")) {
                ps.setString(1, customerId);
                ps.setInt(2, limit);
                List<CustomerMessage> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CustomerMessage(rs.getObject("message_id", UUID.class), rs.getString("customer_id"),
                                rs.getString("channel"), rs.getString("recipient"), rs.getString("template"), rs.getString("subject"),
                                rs.getString("status"), rs.getString("correlation_id"), rs.getString("traceparent"),
                                rs.getTimestamp("created_at").toInstant()));
                    }
                }
                return out;
            }
        });
    }
}
