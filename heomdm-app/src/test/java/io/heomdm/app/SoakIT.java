package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three minutes of {@code heomdm bench soak}, a leader kill a minute: nothing lost or counted twice, the lag back within a minute, a report drawn. */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
class SoakIT {
    @Test
    void threeMinutesOfOrdersThroughLeaderKillsLoseNothingAndCatchUp(@TempDir Path dir) throws Exception {
        // one instance: two of them beside three brokers do not keep up with 100 orders/s on CI's 2 cores (docs/benchmarks.md)
        var plan = Soak.Plan.of(Duration.ofMinutes(3), 100, Duration.ofSeconds(50));
        var r = Soak.run(plan, dir.resolve("run"), System.out);
        SoakReport.write(r, dir.resolve("report"));
        System.out.print(SoakReport.markdown(r));

        assertThat(r.kills()).hasSizeBetween(2, plan.kills()).extracting(Soak.Kill::what).containsOnly("broker");
        assertThat(r.acknowledged()).as("orders acknowledged at 100/s for 3 minutes").isGreaterThan(10_000);
        assertThat(r.exactlyOnce()).as("nothing lost, twice or out of order: %s", r).isTrue();
        assertThat(r.kills()).as("the lag back under 5 s within a minute of each kill").allMatch(Soak.Kill::recovered);
        assertThat(r.samples()).hasSizeGreaterThan(20).allMatch(s -> s.heapAfterGcMb() >= 0);
        assertThat(dir.resolve("report/soak.png")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("report/report.md"))).contains("| exactly once |").contains("holds");
    }
}
