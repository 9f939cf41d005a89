package io.heomdm.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Admin actions, as they happened: who (the key), when, which request, what. Thread-safe. */
public final class AuditLog {
    private final Database database;
    private final InstantSource clock;

    public AuditLog(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    public record Entry(long id, Instant at, String keyId, String keyName, String requestId, String action, String target) {
    }

    public void record(String keyId, String keyName, String requestId, String action, String target) {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into audit_log (at, key_id, key_name, request_id, action, target) "
                    + "values (?, ?, ?, ?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, keyId);
                ps.setString(3, keyName);
                ps.setString(4, requestId);
                ps.setString(5, action);
                ps.setString(6, target == null || target.length() <= 200 ? target : target.substring(0, 200));
                return ps.executeUpdate();
            }
        });
    }

    /** The newest entries first. */
    public List<Entry> recent(int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from audit_log order by id desc limit ?")) {
                ps.setInt(1, limit);
                List<Entry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("key_id"), rs.getString("key_name"),
                                rs.getString("request_id"), rs.getString("action"), rs.getString("target")));
                    }
                }
                return out;
            }
        });
    }
}
