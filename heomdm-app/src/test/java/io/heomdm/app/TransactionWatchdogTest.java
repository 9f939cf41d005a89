package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.app.catalog.PlatformDataflows;
import org.junit.jupiter.api.Test;

class TransactionWatchdogTest {
    @Test
    void itLooksAtTheTopicsHeomdmWritesInTransactionsAndNoOthers() {
        var platform = PlatformDataflows.topics().keySet();
        assertThat(TransactionWatchdog.heomdms("analytics.segments.v1", platform)).isTrue();
        assertThat(TransactionWatchdog.heomdms("heomdm-analytics-customers-changelog", platform)).isTrue();
        assertThat(TransactionWatchdog.heomdms("market.activity.v1.reports.market.activity.v1.dlt", platform)).isTrue();
        assertThat(TransactionWatchdog.heomdms("__transaction_state", platform)).isFalse();
        assertThat(TransactionWatchdog.heomdms("billing-team.invoices", platform)).isFalse();
    }
}
