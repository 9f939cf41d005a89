package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.bench.BenchPlan;
import io.heomdm.bench.SetUp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heomdm bench --quick}, as CI runs it: a report with every set-up measured at every quick
 * rate; and Table 5's fault and scale runs for the hybrid set-up, with a broker and a worker
 * process killed for real.
 */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
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

    @Test
    void aKilledBrokerOrWorkerLosesNothingAndASecondWorkerDoesMore() throws Exception {
        Path out = dir.resolve("table5");
        int code = Heomdm.commandLine().execute("bench", "--quick", "--parts", "faults,scale", "--setups", "hybrid", "--out", out.toString());
        assertThat(code).isZero();

        // run,subject,offered_per_s,processes,recovery_s,lost,duplicates,delivered_per_s,p99_ms,max_ms
        List<String[]> rows = Files.readAllLines(out.resolve("table5.csv")).stream().skip(1).map(l -> l.split(",", -1)).toList();
        var brokerKill = rows.stream().filter(r -> r[0].equals("broker-kill")).toList();
        assertThat(brokerKill).singleElement().satisfies(r -> {
            assertThat(r[1]).isEqualTo("hybrid");
            assertThat(Long.parseLong(r[5])).as("events lost with RF 3, min.insync.replicas 2, acks=all").isZero();
        });
        var workerKill = rows.stream().filter(r -> r[0].equals("worker-kill")).toList();
        assertThat(workerKill).singleElement().satisfies(r -> {
            assertThat(r[1]).isEqualTo("sqs");
            assertThat(Long.parseLong(r[5])).as("tasks lost when a worker is SIGKILLed").isZero();
            assertThat(r[4]).as("SQS redelivers the dead worker's tasks after their visibility timeout").isNotEmpty();
        });
        var scale = rows.stream().filter(r -> r[0].equals("scale")).toList();
        assertThat(scale).hasSize(2);
        double one = Double.parseDouble(scale.get(0)[7]);
        double two = Double.parseDouble(scale.get(1)[7]);
        assertThat(scale).extracting(r -> r[3]).containsExactly("1", "2");
        assertThat(scale).allSatisfy(r -> assertThat(Long.parseLong(r[5])).as("tasks lost in the scale runs").isZero());
        // how much more the second process does is the benchmark's figure (1.6x on a quiet machine here, 1.08x once beside other
        // work): CI only asserts that it adds work, since on 2 cores the broker, the queue and both workers share the same CPU
        assertThat(two).as("tasks/s with two worker processes against one (%.0f)", one).isGreaterThan(one);

        assertThat(Files.readString(out.resolve("report.md"))).contains("Table 5", "A Kafka broker killed", "A task worker killed", "Scale-out");
        for (String chart : List.of("broker-kill.png", "worker-kill.png", "scale.png")) {
            assertThat(out.resolve(chart)).isNotEmptyFile();
        }
    }
}
