package io.heomdm.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The CRM record of each customer, as field/value pairs. Writes join the caller's transaction;
 * updates of one customer must be applied one at a time, in order (the CRM queue is FIFO per
 * customer), since the upsert is an update-then-insert. Thread-safe.
 */
public final class CrmRecords {
    private final Database database;

    public CrmRecords(Database database) {
        this.database = database;
    }

    /** Sets the given fields, leaving the others as they are. A null value clears a field. */
    public static void upsert(Connection c, String customerId, Map<String, String> fields, UUID taskEventId, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "update crm_fields set field_value = ?, updated_at = ?, task_event_id = ? where customer_id = ? and field = ?");
                PreparedStatement insert = c.prepareStatement(
                        "insert into crm_fields (customer_id, field, field_value, updated_at, task_event_id) values (?, ?, ?, ?, ?)")) {
            for (var e : fields.entrySet()) {
                update.setString(1, e.getValue());
                update.setTimestamp(2, Timestamp.from(at));
                update.setObject(3, taskEventId);
                update.setString(4, customerId);
                update.setString(5, e.getKey());
                if (update.executeUpdate() == 0) {
                    insert.setString(1, customerId);
                    insert.setString(2, e.getKey());
                    insert.setString(3, e.getValue());
                    insert.setTimestamp(4, Timestamp.from(at));
                    insert.setObject(5, taskEventId);
                    insert.executeUpdate();
                }
            }
        }
    }

    public Map<String, String> fields(String customerId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select field, field_value from crm_fields where customer_id = ?")) {
                ps.setString(1, customerId);
                Map<String, String> out = new TreeMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
                return out;
            }
        });
    }
}
