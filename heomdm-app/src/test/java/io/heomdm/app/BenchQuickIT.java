package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.bench.BenchPlan;
import io.heomdm.bench.SetUp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heomdm bench --quick}, as CI runs it: a report with every set-up measured at every quick rate. */
class BenchQuickIT {
    @TempDir
    Path dir;

    @Test
    void theQuickProfileMeasuresEverySetUpAndWritesTheReport() throws Exception {
        Path out = dir.resolve("report");
        int code = Heomdm.commandLine().execute("bench", "--quick", "--out", out.toString());
        assertThat(code).isZero();

        List<String[]> points = Files.readAllLines(out.resolve("summary.csv")).stream().skip(1).map(l -> l.split(",")).toList();
        var quick = BenchPlan.quick();
        assertThat(points).hasSize(SetUp.values().length * quick.rates().size());
        for (SetUp setUp : SetUp.values()) {
            for (int rate : quick.rates()) {
                var point = points.stream().filter(p -> p[0].equals(setUp.id()) && p[1].equals(String.valueOf(rate))).findFirst();
                assertThat(point).as(setUp.id() + " at " + rate).isPresent();
                assertThat(Double.parseDouble(point.get()[2])).as(setUp.id() + " delivered at " + rate).isPositive();
                assertThat(Double.parseDouble(point.get()[7])).as(setUp.id() + " p99 at " + rate).isPositive();
            }
        }
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("Table 3", "Table 4", "records/s", "messages/s");
        assertThat(Arrays.stream(SetUp.values()).map(SetUp::id)).allSatisfy(id -> assertThat(report).contains("| " + id + " |"));
        assertThat(out.resolve("throughput.png")).isNotEmptyFile();
        assertThat(out.resolve("latency.png")).isNotEmptyFile();
        assertThat(out.resolve("results.json")).isNotEmptyFile();
    }
}
