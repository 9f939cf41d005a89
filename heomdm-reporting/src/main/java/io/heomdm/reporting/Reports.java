package io.heomdm.reporting;

import io.heomdm.storage.Database;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The reports read from the tables {@link ReportProjector} fills, for days in [from, to] (UTC), at most {@link #MAX_ROWS} rows each. */
public final class Reports {
    public static final int MAX_ROWS = 10_000;
    private final Database database;

    public Reports(Database database) {
        this.database = database;
    }

    /** @param key a product id or a category ({@code (uncatalogued)} for a product never catalogued) */
    public record Sales(LocalDate day, String key, String currency, long orders, long units, BigDecimal revenue) {
    }

    /** @param size members at the end of the day: entries less exits up to it */
    public record SegmentDay(LocalDate day, String segment, long entered, long exited, long size) {
    }

    /** @param delivered the messages sent that day whose task completed; failed: those that failed for good */
    public record CampaignDay(LocalDate day, String source, long sent, long deferred, long suppressed, long delivered, long failed) {
    }

    public record DeadLetterDay(LocalDate day, String queue, String taskType, long count) {
    }

    public enum SalesBy {
        PRODUCT,
        CATEGORY
    }

    public List<Sales> sales(LocalDate from, LocalDate to, SalesBy by) {
        String sql = by == SalesBy.PRODUCT
                ? "select day_utc, product_id, currency, orders, units, revenue from report_sales_daily where day_utc between ? and ? "
                        + "order by day_utc, product_id, currency"
                // an order holding two products of a category counts for each: 'orders' are product-orders
                : "select s.day_utc, coalesce(p.category, '(uncatalogued)') as category, s.currency, sum(s.orders), sum(s.units), sum(s.revenue) "
                        + "from report_sales_daily s left join report_products p on p.product_id = s.product_id where s.day_utc between ? and ? "
                        + "group by s.day_utc, coalesce(p.category, '(uncatalogued)'), s.currency order by 1, 2, 3";
        return query(sql, from, to, rs -> new Sales(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getBigDecimal(6)));
    }

    public List<SegmentDay> segments(LocalDate from, LocalDate to) {
        // the running size over every day before 'from' too, then the days asked for
        return query("select day_utc, segment, entered, exited, size from (select day_utc, segment, entered, exited, "
                        + "sum(entered - exited) over (partition by segment order by day_utc) as size from report_segment_daily) t "
                        + "where day_utc between ? and ? order by day_utc, segment", from, to,
                rs -> new SegmentDay(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
    }

    public List<CampaignDay> campaigns(LocalDate from, LocalDate to) {
        record Key(LocalDate day, String source) implements Comparable<Key> {
            @Override
            public int compareTo(Key o) {
                int byDay = day.compareTo(o.day);
                return byDay != 0 ? byDay : source.compareTo(o.source);
            }
        }
        Map<Key, long[]> rows = new TreeMap<>();
        query("select day_utc, source, outcome, decisions from report_campaign_daily where day_utc between ? and ?", from, to, rs -> {
            long[] row = rows.computeIfAbsent(new Key(rs.getDate(1).toLocalDate(), rs.getString(2)), k -> new long[5]);
            row[switch (rs.getString(3)) {
                case "SENT" -> 0;
                case "DEFERRED" -> 1;
                default -> 2;
            }] += rs.getLong(4);
            return null;
        });
        query("select m.day_utc, m.source, sum(case when o.completed then 1 else 0 end), sum(case when o.completed then 0 else 1 end) "
                + "from report_sent_messages m join report_task_outcomes o on o.task_event_id = m.delivery_id where m.day_utc between ? and ? "
                + "group by m.day_utc, m.source", from, to, rs -> {
                    long[] row = rows.computeIfAbsent(new Key(rs.getDate(1).toLocalDate(), rs.getString(2)), k -> new long[5]);
                    row[3] += rs.getLong(3);
                    row[4] += rs.getLong(4);
                    return null;
                });
        List<CampaignDay> out = new ArrayList<>();
        rows.forEach((k, r) -> out.add(new CampaignDay(k.day(), k.source(), r[0], r[1], r[2], r[3], r[4])));
        return out.size() > MAX_ROWS ? out.subList(0, MAX_ROWS) : out;
    }

    public List<DeadLetterDay> deadLetters(LocalDate from, LocalDate to) {
        return query("select day_utc, queue, task_type, count(*) from report_task_outcomes where dead_lettered and day_utc between ? and ? "
                        + "group by day_utc, queue, task_type order by day_utc, queue, task_type", from, to,
                rs -> new DeadLetterDay(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, LocalDate from, LocalDate to, Row<T> row) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setDate(1, Date.valueOf(from));
                ps.setDate(2, Date.valueOf(to));
                ps.setMaxRows(MAX_ROWS);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        T value = row.read(rs);
                        if (value != null) {
                            out.add(value);
                        }
                    }
                }
                return out;
            }
        });
    }
}
