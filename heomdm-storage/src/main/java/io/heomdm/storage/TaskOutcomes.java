package io.heomdm.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What happened to each task, per consumer. Thread-safe. */
public final class TaskOutcomes {
    private final Database database;

    public TaskOutcomes(Database database) {
        this.database = database;
    }

    public record TaskOutcome(UUID taskEventId, String consumer, UUID outcomeEventId, String taskType, String queue, String status,
            int attempts, String detail, String correlationId, String causationId, String traceparent, Instant completedAt) {
    }

    /** Inserts within the caller's transaction. */
    public static void insert(Connection c, TaskOutcome o) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into task_outcomes (task_event_id, consumer, outcome_event_id, task_type, "
                + "queue, status, attempts, detail, correlation_id, causation_id, traceparent, completed_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, o.taskEventId());
            ps.setString(2, o.consumer());
            ps.setObject(3, o.outcomeEventId());
            ps.setString(4, o.taskType());
            ps.setString(5, o.queue());
            ps.setString(6, o.status());
            ps.setInt(7, o.attempts());
            ps.setString(8, o.detail());
            ps.setString(9, o.correlationId());
            ps.setString(10, o.causationId());
            ps.setString(11, o.traceparent());
            ps.setTimestamp(12, Timestamp.from(o.completedAt()));
            ps.executeUpdate();
        }
    }

    public Optional<TaskOutcome> find(UUID taskEventId, String consumer) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from task_outcomes where task_event_id = ? and consumer = ?")) {
                ps.setObject(1, taskEventId);
                ps.setString(2, consumer);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new TaskOutcome(rs.getObject("task_event_id", UUID.class), rs.getString("consumer"),
                            rs.getObject("outcome_event_id", UUID.class), rs.getString("task_type"), rs.getString("queue"),
                            rs.getString("status"), rs.getInt("attempts"), rs.getString("detail"), rs.getString("correlation_id"),
                            rs.getString("causation_id"), rs.getString("traceparent"), rs.getTimestamp("completed_at").toInstant()));
                }
            }
        });
    }
}
