package io.heomdm.storage;

import java.sql.Connection;
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
