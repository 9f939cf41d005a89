package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short version of {@code heomdm bench exactly-once}: three leader kills on three brokers, nothing lost, nothing twice, nothing reordered. */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
class ExactlyOnceCheckIT {
    @Test
    void ordersPostedWithRetriesWhileTheLeaderIsKilledCountOnceAndInOrder(@TempDir Path dir) throws Exception {
        var plan = new ExactlyOnceCheck.Plan(2_000, 3, 6, 20, 0.05, Duration.ofSeconds(3), Duration.ofMinutes(3));
        var r = ExactlyOnceCheck.run(plan, dir, System.out);
        System.out.println(r);
        assertThat(r.kills()).isEqualTo(3);
        assertThat(r.acknowledged()).isGreaterThanOrEqualTo(2_000);
        assertThat((double) r.resent() / r.acknowledged()).as("orders sent more than once").isGreaterThanOrEqualTo(0.04);
        assertThat(r.lostInLog()).as("acknowledged, not in the log").isZero();
        assertThat(r.lostInProfiles()).as("acknowledged, not counted").isZero();
        assertThat(r.countedTwice()).as("counted twice").isZero();
        assertThat(r.inversions()).as("written out of order").isZero();
    }
}
