package io.heomdm.storage;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * A campaign's daily cap and budget, and the budget saga's holds. Each admission locks the
 * campaign's own row (no global lock): it counts the message against the day's cap and, for a
 * billable campaign, reserves its cost as a hold that a delivered message captures and a failed one
 * releases. Days are UTC days. The static methods work in the caller's transaction. Thread-safe.
 */
public final class CampaignBudgets {
    private final Database database;

    public CampaignBudgets(Database database) {
        this.database = database;
    }

    /** What a campaign allows, as its first message brought it: later messages' terms do not change it. */
    public record Terms(String campaignId, String accountId, BigDecimal budget, Integer dailyCap, String currency) {
        public boolean billable() {
            return budget != null;
        }
    }

    public sealed interface Admission {
    }

    /** @param hold the amount held for the message, null when the campaign is not billable */
    public record Admitted(BigDecimal hold) implements Admission {
    }

    /** The day's cap is reached. */
    public record Capped(int cap) implements Admission {
    }

    /** The budget cannot pay for the message. */
    public record Exhausted(BigDecimal budget, BigDecimal left) implements Admission {
    }

    public record Hold(UUID deliveryId, String campaignId, String accountId, BigDecimal amount, String currency, String status) {
    }

    /** A campaign's state: what is held for messages in flight, what was spent, what was admitted today. */
    public record Budget(String campaignId, String accountId, BigDecimal budget, Integer dailyCap, String currency, BigDecimal reserved,
            BigDecimal spent, int admittedToday) {
    }

    /**
     * Admits one message of the campaign costing {@code cost}: counted against {@code now}'s day,
     * and held against the budget of a billable campaign. A message admitted before (the same
     * delivery id) is admitted again without counting twice.
     */
    public static Admission admit(Connection c, Terms terms, UUID deliveryId, BigDecimal cost, Instant now) throws SQLException {
        SqlWork.insertUnlessPresent(c, "insert into campaign_budgets (campaign_id, account_id, budget, daily_cap, currency, reserved, spent) "
                + "values (?, ?, ?, ?, ?, 0, 0)", ps -> {
                    ps.setString(1, terms.campaignId());
                    ps.setString(2, terms.accountId());
                    ps.setBigDecimal(3, terms.budget());
                    ps.setObject(4, terms.dailyCap());
                    ps.setString(5, terms.currency());
                });
        Terms stored;
        BigDecimal reserved;
        BigDecimal spent;
        try (PreparedStatement ps = c.prepareStatement("select * from campaign_budgets where campaign_id = ? for update")) {
            ps.setString(1, terms.campaignId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                stored = new Terms(terms.campaignId(), rs.getString("account_id"), rs.getBigDecimal("budget"),
                        (Integer) rs.getObject("daily_cap", Integer.class), rs.getString("currency"));
                reserved = rs.getBigDecimal("reserved");
                spent = rs.getBigDecimal("spent");
            }
        }
        Optional<Hold> held = hold(c, deliveryId);
        if (held.isPresent()) {
            return new Admitted(held.get().amount());
        }
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        int admitted = admittedOn(c, terms.campaignId(), day);
        if (stored.dailyCap() != null && admitted >= stored.dailyCap()) {
            return new Capped(stored.dailyCap());
        }
        BigDecimal amount = null;
        if (stored.billable() && cost.signum() > 0) {
            BigDecimal left = stored.budget().subtract(reserved).subtract(spent);
            if (left.compareTo(cost) < 0) {
                return new Exhausted(stored.budget(), left);
            }
            amount = cost;
            update(c, "update campaign_budgets set reserved = reserved + ? where campaign_id = ?", terms.campaignId(), amount);
            try (PreparedStatement ps = c.prepareStatement("insert into budget_holds (delivery_id, campaign_id, account_id, amount, currency, "
                    + "status, updated_at) values (?, ?, ?, ?, ?, 'HELD', ?)")) {
                ps.setObject(1, deliveryId);
                ps.setString(2, terms.campaignId());
                ps.setString(3, stored.accountId());
                ps.setBigDecimal(4, amount);
                ps.setString(5, stored.currency());
                ps.setTimestamp(6, Timestamp.from(now));
                ps.executeUpdate();
            }
        }
        if (admitted == 0) {
            SqlWork.insertUnlessPresent(c, "insert into campaign_days (campaign_id, on_day, admitted) values (?, ?, 0)", ps -> {
                ps.setString(1, terms.campaignId());
                ps.setDate(2, Date.valueOf(day));
            });
        }
        try (PreparedStatement ps = c.prepareStatement("update campaign_days set admitted = admitted + 1 where campaign_id = ? and on_day = ?")) {
            ps.setString(1, terms.campaignId());
            ps.setDate(2, Date.valueOf(day));
            ps.executeUpdate();
        }
        return new Admitted(amount);
    }

    /**
     * Settles the message's hold: a delivered message's is CAPTURED (reserved becomes spent), a
     * failed one's RELEASED (reserved is freed). Empty when the message has no hold still HELD
     * (not billable, or settled before).
     */
    public static Optional<Hold> settle(Connection c, UUID deliveryId, boolean delivered, Instant now) throws SQLException {
        Optional<Hold> hold = hold(c, deliveryId).filter(h -> h.status().equals("HELD"));
        if (hold.isEmpty()) {
            return Optional.empty();
        }
        Hold h = hold.get();
        String status = delivered ? "CAPTURED" : "RELEASED";
        try (PreparedStatement ps = c.prepareStatement("update budget_holds set status = ?, updated_at = ? where delivery_id = ? and status = 'HELD'")) {
            ps.setString(1, status);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, deliveryId);
            if (ps.executeUpdate() == 0) {
                return Optional.empty();                    // settled by a concurrent delivery of the same outcome
            }
        }
        if (delivered) {
            update(c, "update campaign_budgets set reserved = reserved - ?, spent = spent + ? where campaign_id = ?", h.campaignId(), h.amount(),
                    h.amount());
        } else {
            update(c, "update campaign_budgets set reserved = reserved - ? where campaign_id = ?", h.campaignId(), h.amount());
        }
        return Optional.of(new Hold(h.deliveryId(), h.campaignId(), h.accountId(), h.amount(), h.currency(), status));
    }

    public Optional<Budget> find(String campaignId, Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from campaign_budgets where campaign_id = ?")) {
                ps.setString(1, campaignId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Budget(campaignId, rs.getString("account_id"), rs.getBigDecimal("budget"),
                            (Integer) rs.getObject("daily_cap", Integer.class), rs.getString("currency"), rs.getBigDecimal("reserved"),
                            rs.getBigDecimal("spent"), admittedOn(c, campaignId, now.atZone(ZoneOffset.UTC).toLocalDate())));
                }
            }
        });
    }

    public Optional<Hold> hold(UUID deliveryId) {
        return database.inTransaction(c -> hold(c, deliveryId));
    }

    private static Optional<Hold> hold(Connection c, UUID deliveryId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select * from budget_holds where delivery_id = ?")) {
            ps.setObject(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Hold(deliveryId, rs.getString("campaign_id"), rs.getString("account_id"),
                        rs.getBigDecimal("amount"), rs.getString("currency"), rs.getString("status"))) : Optional.empty();
            }
        }
    }

    private static int admittedOn(Connection c, String campaignId, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select admitted from campaign_days where campaign_id = ? and on_day = ?")) {
            ps.setString(1, campaignId);
            ps.setDate(2, Date.valueOf(day));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private static void update(Connection c, String sql, String campaignId, BigDecimal... amounts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < amounts.length; i++) {
                ps.setBigDecimal(i + 1, amounts[i]);
            }
            ps.setString(amounts.length + 1, campaignId);
            ps.executeUpdate();
        }
    }
}
