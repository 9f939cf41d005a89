package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.gateway.Unavailable;
import io.heomdm.reporting.Reports;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reports answer 503, not 500, while they are rebuilt and while the database does not answer. */
class ReportsWhileUnavailableTest {
    static final LocalDate DAY = LocalDate.parse("2026-11-02");

    @Test
    void aRebuildAndADatabaseThatIsDownEachAnswerUnavailable(@TempDir Path dir) {
        var h2 = EmbeddedDatabase.inDirectory(dir);
        Database database = Database.open(new DatabaseSettings(h2.jdbcUrl(), h2.user(), h2.password(), 2));
        var rebuilding = new AtomicBoolean();
        var reports = Responses.reports(new Reports(database), rebuilding::get);
        assertThat(reports.sales(DAY, DAY, false)).isEmpty();

        rebuilding.set(true);
        assertThatThrownBy(() -> reports.segments(DAY, DAY)).isInstanceOf(Unavailable.class).hasMessageContaining("rebuilt");
        rebuilding.set(false);

        database.close();
        assertThatThrownBy(() -> reports.campaigns(DAY, DAY)).isInstanceOf(Unavailable.class).hasMessageContaining("database");
        assertThatThrownBy(() -> reports.deadLetters(DAY, DAY)).isInstanceOf(Unavailable.class);
    }
}
