package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    static Histogram latencies(long... micros) {
        var h = new Histogram(3_600_000_000L, 3);
        for (long m : micros) {
            h.recordValue(m);
        }
        return h;
    }

    static Harness.Run run(SetUp setUp, int offered, int repetition, double delivered, Histogram h) {
        return new Harness.Run(setUp, offered, repetition, delivered, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, 1000, 0, 20, 0, 0, 0, 0, 0, 0.5, 0.4, true, h);
    }

    @Test
    void repetitionsAreSummarisedByMedianAndSpreadAndTheirHistogramsMerged() {
        var a = run(SetUp.HYBRID, 1000, 1, 990, latencies(1000, 1000, 1000, 1000));
        var b = run(SetUp.HYBRID, 1000, 2, 1000, latencies(2000, 2000, 2000, 2000));
        var c = run(SetUp.HYBRID, 1000, 3, 970, latencies(100_000));
        var merged = Report.merge(List.of(a, b, c));
        assertThat(merged.getTotalCount()).isEqualTo(9);
        assertThat(merged.getMaxValue()).isBetween(99_900L, 100_100L);

        var p = Report.summarise(List.of(a, b, c)).get(0);
        assertThat(p.delivered()).isEqualTo(990);
        assertThat(p.deliveredMin()).isEqualTo(970);
        assertThat(p.deliveredMax()).isEqualTo(1000);
        assertThat(p.p99Ms()).as("median of the three p99s").isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(p.mergedP99Ms()).as("the 100 ms outlier is the merged p99").isGreaterThan(99);
    }

    @Test
    void theReportHasTheTablesTheGoalsTheDataAndTheCharts() throws Exception {
        var runs = List.of(run(SetUp.KAFKA_ONLY, 25_000, 1, 25_000, latencies(3000, 9000)),
                run(SetUp.HYBRID, 25_000, 1, 24_000, latencies(4000, 30_000)),
                run(SetUp.KAFKA_ONLY, 5_000, 1, 5_000, latencies(2000)),
                run(SetUp.HYBRID, 5_000, 1, 5_000, latencies(2500)));
        var env = new Report.Environment("test machine", "a broker", "an SQS server", BenchPlan.quick());
        Report.write(dir, env, new Ceilings.Result(100_000, "summary", 3000), runs);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("Table 3", "Table 4", "100000 records/s", "| hybrid | 25000 | 24000 |");
        assertThat(md).contains("at 25000/s: delivered 0.960 × kafka-only (goal ≥ 0.98): **not met**", "at 5000/s: delivered 1.000 × kafka-only (goal ≥ 0.98): met",
                "at 25000/s: p99 30.0 ms (goal ≤ 25 ms): **not met**");
        assertThat(Files.readAllLines(dir.resolve("runs.csv"))).hasSize(5);
        assertThat(Files.readString(dir.resolve("summary.csv"))).contains("hybrid,25000,24000.0");
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"setUp\" : \"kafka-only\"");
        for (String png : List.of("throughput.png", "latency.png")) {
            byte[] bytes = Files.readAllBytes(dir.resolve(png));
            assertThat(bytes).hasSizeGreaterThan(5_000).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void aSetUpWithNoMeasuredCompletionShowsNoLatencyRatherThanZero() {
        var empty = new Harness.Run(SetUp.SQS_ONLY, 10_000, 1, 190, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 10_000, 220_000, 200, 9_800, 200,
                0, 0, 0, 1.9, 0.1, false, latencies());
        var p = Report.summarise(List.of(empty)).get(0);
        assertThat(p.p99Ms()).isNaN();
        assertThat(p.mergedP99Ms()).isNaN();
        String md = Report.markdown(new Report.Environment("m", "k", "s", BenchPlan.quick()), new Ceilings.Result(1, "", 1), List.of(p));
        assertThat(md).contains("| sqs-only | 10000 | — | — |", "220000 not sent; 9800 events, 200 tasks undone");
    }

    @Test
    void quickFinishesInUnderThreeMinutesOfMeasuring() {
        var quick = BenchPlan.quick();
        Duration perRun = quick.warmup().plus(quick.measured());
        assertThat(perRun.multipliedBy(quick.runs())).isLessThan(Duration.ofMinutes(2));
    }
}
