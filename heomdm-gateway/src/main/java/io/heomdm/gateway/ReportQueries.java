package io.heomdm.gateway;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** The reporting read model as the gateway asks it: rows per UTC day in [from, to]. */
public interface ReportQueries {
    ReportQueries DISABLED = new ReportQueries() {
        @Override
        public List<SalesRow> sales(LocalDate from, LocalDate to, boolean byCategory) {
            throw new Unavailable("reports", "the reporting read model is not running here");
        }

        @Override
        public List<SegmentRow> segments(LocalDate from, LocalDate to) {
            throw new Unavailable("reports", "the reporting read model is not running here");
        }

        @Override
        public List<CampaignRow> campaigns(LocalDate from, LocalDate to) {
            throw new Unavailable("reports", "the reporting read model is not running here");
        }

        @Override
        public List<DeadLetterRow> deadLetters(LocalDate from, LocalDate to) {
            throw new Unavailable("reports", "the reporting read model is not running here");
        }
    };

    /** @param key a productId, or a category when by category */
    record SalesRow(LocalDate day, String key, String currency, long orders, long units, BigDecimal revenue) {
    }

    record SegmentRow(LocalDate day, String segment, long entered, long exited, long size) {
    }

    record CampaignRow(LocalDate day, String source, long sent, long deferred, long suppressed, long delivered, long failed) {
    }

    record DeadLetterRow(LocalDate day, String queue, String taskType, long count) {
    }

    List<SalesRow> sales(LocalDate from, LocalDate to, boolean byCategory);

    List<SegmentRow> segments(LocalDate from, LocalDate to);

    List<CampaignRow> campaigns(LocalDate from, LocalDate to);

    List<DeadLetterRow> deadLetters(LocalDate from, LocalDate to);
}
