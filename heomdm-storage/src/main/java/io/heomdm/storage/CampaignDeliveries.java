package io.heomdm.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The read model of the delivery gate's decisions: per customer, and counted per journey or campaign. Thread-safe. */
public final class CampaignDeliveries {
    private final Database database;

    public CampaignDeliveries(Database database) {
        this.database = database;
    }

    /**
     * @param decisionId the DeliveryDecided event's id (a redelivered decision is stored once)
     * @param deliveryId the message's idempotency key, the eventId of the task when it was sent
     * @param source     journey:&lt;id&gt; or campaign:&lt;id&gt;
     */
    public record Delivery(UUID decisionId, UUID deliveryId, String customerId, String source, String step, String channel, String template,
            String outcome, String reason, Instant deferredUntil, Instant decidedAt) {
    }

    /** What a journey or campaign decided: counts per outcome, and per reason of the deferred and suppressed. */
    public record Stats(String id, Map<String, Long> outcomes, Map<String, Long> reasons) {
    }

    /** Stores a decision; false if it was stored before. */
    public boolean record(Delivery d) {
        return database.inTransaction(c -> record(c, d));
    }

    /** Stores a decision within the caller's transaction; false if it was stored before. */
    public static boolean record(java.sql.Connection c, Delivery d) throws java.sql.SQLException {
        return SqlWork.insertUnlessPresent(c, "insert into campaign_deliveries (decision_id, delivery_id, "
                + "customer_id, source, step, channel, template, outcome, reason, deferred_until, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ps -> {
                    ps.setObject(1, d.decisionId());
                    ps.setObject(2, d.deliveryId());
                    ps.setString(3, d.customerId());
                    ps.setString(4, d.source());
                    ps.setString(5, d.step());
                    ps.setString(6, d.channel());
                    ps.setString(7, d.template());
                    ps.setString(8, d.outcome());
                    ps.setString(9, d.reason());
                    ps.setTimestamp(10, d.deferredUntil() == null ? null : Timestamp.from(d.deferredUntil()));
                    ps.setTimestamp(11, Timestamp.from(d.decidedAt()));
                });
    }

    /** The customer's most recent decisions, newest first. */
    public List<Delivery> forCustomer(String customerId, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from campaign_deliveries where customer_id = ? "
                    + "order by decided_at desc, decision_id desc limit ?")) {
                ps.setString(1, customerId);
                ps.setInt(2, limit);
                List<Delivery> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp until = rs.getTimestamp("deferred_until");
                        out.add(new Delivery(rs.getObject("decision_id", UUID.class), rs.getObject("delivery_id", UUID.class),
                                rs.getString("customer_id"), rs.getString("source"), rs.getString("step"), rs.getString("channel"),
                                rs.getString("template"), rs.getString("outcome"), rs.getString("reason"),
                                until == null ? null : until.toInstant(), rs.getTimestamp("decided_at").toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /** Counts of the decisions of the journey or campaign {@code id} (both share the name space); none give empty maps. */
    public Stats stats(String id) {
        return database.inTransaction(c -> {
            Map<String, Long> outcomes = new LinkedHashMap<>();
            Map<String, Long> reasons = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select outcome, reason, count(*) as n from campaign_deliveries where source in (?, ?) "
                    + "group by outcome, reason order by outcome, reason")) {
                ps.setString(1, "journey:" + id);
                ps.setString(2, "campaign:" + id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long n = rs.getLong("n");
                        outcomes.merge(rs.getString("outcome"), n, Long::sum);
                        String reason = rs.getString("reason");
                        if (reason != null) {
                            // "quiet-hours: 21:00-08:00 Asia/Tokyo" counts as quiet-hours
                            reasons.merge(reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason, n, Long::sum);
                        }
                    }
                }
            }
            return new Stats(id, outcomes, reasons);
        });
    }
}
