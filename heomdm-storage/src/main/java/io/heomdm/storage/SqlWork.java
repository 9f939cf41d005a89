package io.heomdm.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Work done on a connection inside a transaction that the caller owns. */
@FunctionalInterface
public interface SqlWork<R> {
    R run(Connection connection) throws Exception;

    /** Thrown out of a transaction to roll it back with a checked cause. */
    final class Failed extends RuntimeException {
        public Failed(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Sets a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /**
     * Runs an insert within the caller's transaction; false, and nothing changed, when it hits a
     * unique key. A savepoint keeps the transaction usable: on PostgreSQL a failed statement would
     * abort all of it.
     */
    static boolean insertUnlessPresent(Connection c, String insert, Binder binder) throws SQLException {
        var savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            binder.bind(ps);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                c.rollback(savepoint);
                return false;
            }
            throw e;
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        // PostgreSQL and H2 both report unique-key violations with SQLState 23505
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
