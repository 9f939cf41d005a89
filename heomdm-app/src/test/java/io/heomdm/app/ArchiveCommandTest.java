package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What {@code heomdm archive restore} refuses before it reads a file or writes a record. */
class ArchiveCommandTest {
    static String[] run(String... args) {
        var err = new StringWriter();
        int status = Heomdm.commandLine().setErr(new PrintWriter(err, true)).execute(args);
        return new String[] {String.valueOf(status), err.toString()};
    }

    @Test
    void aPlatformTopicThatDoesNotCarryTheTypeIsRefused() {
        var r = run("archive", "restore", "--type", "OrderPlaced", "--to-topic", "analytics.segments.v1");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("--to-topic: analytics.segments.v1 does not carry OrderPlaced");
    }

    @Test
    void aTopicTheArchiveDoesNotKeepIsRefusedWithTheOnesItDoes() {
        var r = run("archive", "restore", "--topic", "analytics.segments.v1", "--to-topic", "sandbox");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("--topic: analytics.segments.v1 is not archived").contains("market.activity.v1");
    }

    @Test
    void aTypeNoChosenTopicCarriesIsRefused() {
        var r = run("archive", "restore", "--topic", "market.catalog.v1", "--type", "OrderPlaced", "--to-topic", "sandbox");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("--type: no archived topic chosen carries OrderPlaced");
    }

    @Test
    void fromMustComeBeforeTo() {
        var r = run("archive", "restore", "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z", "--to-topic", "sandbox", "--dry-run");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("from must be before to");
    }

    @Test
    void kafkasOwnTopicsAndDeadLetterTopicsAreNoTarget() {
        for (String target : new String[] {"__consumer_offsets", "market.activity.v1.reports.market.activity.v1.dlt", "a/b", ""}) {
            var r = run("archive", "restore", "--to-topic", target, "--dry-run");
            assertThat(r[0]).as(target).isEqualTo("1");
            assertThat(r[1]).contains("--to-topic: must be a topic name");
        }
    }
}
