package io.heomdm.storage;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * The append-only ledger of charges per account. An entry is a plain CHARGE, or the budget saga's
 * HOLD and later its CAPTURE or RELEASE; amounts are positive whatever the kind. What an account was
 * charged is its CHARGEs and CAPTUREs; what is held for it, its HOLDs less their settlements.
 * Thread-safe.
 */
public final class BillingLedger {
    private final Database database;

    public BillingLedger(Database database) {
        this.database = database;
    }

    /** @param kind CHARGE, HOLD, CAPTURE or RELEASE; @param holdId the HOLD's chargeId a CAPTURE or RELEASE settles */
    public record Charge(String chargeId, String accountId, BigDecimal amount, String currency, String description, String kind, String holdId) {
        public Charge(String chargeId, String accountId, BigDecimal amount, String currency, String description) {
            this(chargeId, accountId, amount, currency, description, "CHARGE", null);
        }
    }

    /**
     * Appends the charge within the caller's transaction; false when a charge with that id is
     * already in the ledger (sent twice, under two task ids), which then counts once.
     */
    public static boolean append(Connection c, Charge charge, UUID taskEventId, Instant at) throws SQLException {
        return SqlWork.insertUnlessPresent(c, "insert into billing_ledger "
                + "(charge_id, account_id, amount, currency, description, task_event_id, recorded_at, kind, hold_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, charge.chargeId());
                    ps.setString(2, charge.accountId());
                    ps.setBigDecimal(3, charge.amount());
                    ps.setString(4, charge.currency());
                    ps.setString(5, charge.description());
                    ps.setObject(6, taskEventId);
                    ps.setTimestamp(7, Timestamp.from(at));
                    ps.setString(8, charge.kind());
                    ps.setString(9, charge.holdId());
                });
    }

    /** What the account was charged: its charges and captured holds (zero for an account with none). */
    public BigDecimal balance(String accountId) {
        return sum(accountId, "case when kind in ('CHARGE', 'CAPTURE') then amount else 0 end");
    }

    /** What is held for the account and not yet captured or released. */
    public BigDecimal held(String accountId) {
        return sum(accountId, "case kind when 'HOLD' then amount when 'CHARGE' then 0 else -amount end");
    }

    private BigDecimal sum(String accountId, String term) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select coalesce(sum(" + term + "), 0) from billing_ledger where account_id = ?")) {
                ps.setString(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBigDecimal(1).setScale(2);
                }
            }
        });
    }

    public long charges(String accountId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from billing_ledger where account_id = ?")) {
                ps.setString(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
