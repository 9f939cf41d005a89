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

    @Test
    void latencyIsDrawnOnALogarithmicAxisOnlyWhereItsValuesReachAcrossAPowerOfTen() {
        var underCapacity = new org.knowm.xchart.XYChartBuilder().build();
        underCapacity.addSeries("a", new double[] {1, 2}, new double[] {10.7, 13.6});
        underCapacity.addSeries("b", new double[] {1, 2}, new double[] {12.0, 49.7});
        var saturated = new org.knowm.xchart.XYChartBuilder().build();
        saturated.addSeries("a", new double[] {1, 2}, new double[] {14.2, 3994});

        assertThat(Report.spansADecade(underCapacity)).as("a log axis over 10-50 ms has no labels").isFalse();
        assertThat(Report.spansADecade(saturated)).isTrue();
    }

    static Histogram latencies(long... micros) {
        var h = new Histogram(3_600_000_000L, 3);
        for (long m : micros) {
            h.recordValue(m);
        }
        return h;
    }

    static Harness.Run run(SetUp setUp, int offered, int repetition, double delivered, Histogram h) {
        var timeline = new Timeline(0, Duration.ofSeconds(30));
        for (long due = 0; due < 30_000_000_000L; due += 100_000_000L) {
            timeline.latency(due, h.getMaxValue());
        }
        return new Harness.Run(setUp, offered, repetition, delivered, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, 1000, 0, 20, 0, 0, 0, 0, 0, 0.0, 0.5, 0.4, 0.3, true, h,
                TaskLegs.Split.empty(), timeline, 0, 0, new TcpCounters(10, 0));
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
    void theLatencyOverTimeOfEachSetUpIsDrawnFromItsRepetitionWithTheMedianP99() {
        var fast = run(SetUp.HYBRID, 1000, 1, 1000, latencies(1000));
        var median = run(SetUp.HYBRID, 1000, 2, 1000, latencies(2000));
        var slow = run(SetUp.HYBRID, 1000, 3, 1000, latencies(90_000));
        var kafka = run(SetUp.KAFKA_ONLY, 1000, 1, 1000, latencies(1500));
        var otherRate = run(SetUp.HYBRID, 5000, 1, 5000, latencies(3000));
        assertThat(Report.medianRuns(1000, List.of(slow, fast, otherRate, median, kafka))).containsExactly(kafka, median);
    }

    @Test
    void theReportHasTheTablesTheGoalsTheDataAndTheCharts() throws Exception {
        var runs = List.of(run(SetUp.KAFKA_ONLY, 25_000, 1, 25_000, latencies(3000, 9000)),
                run(SetUp.HYBRID, 25_000, 1, 24_000, latencies(4000, 30_000)),
                run(SetUp.KAFKA_ONLY, 5_000, 1, 5_000, latencies(2000)),
                run(SetUp.HYBRID, 5_000, 1, 5_000, latencies(2500)));
        var env = new Report.Environment("test machine", "a broker", "an SQS server", BenchPlan.quick());
        Report.write(dir, env, new Ceilings.Result(100_000, "summary", 3000), runs, Table5Runs.Result.NONE);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("Table 3", "Table 4", "100000 records/s", "| hybrid | 25000 | 24000 |");
        assertThat(md).as("no task-causing event measured: a dash per leg").contains("Where the time of an event that causes a task goes",
                "| hybrid | 25000 | — / — | — / — | — / — |");
        assertThat(md).contains("at 25000/s: delivered 0.960 × kafka-only (goal ≥ 0.98): **not met**", "at 5000/s: delivered 1.000 × kafka-only (goal ≥ 0.98): met",
                "at 25000/s: p99 30.0 ms (goal ≤ 25 ms): **not met**");
        assertThat(Files.readAllLines(dir.resolve("runs.csv"))).hasSize(5);
        assertThat(Files.readString(dir.resolve("summary.csv"))).contains("hybrid,25000,24000.0");
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"setUp\" : \"kafka-only\"");
        assertThat(md).contains("![latency over time at 5000 events/s](latency-over-time-5000.png)", "latency-over-time-25000.png");
        for (String png : List.of("throughput.png", "latency.png", "latency-over-time-5000.png", "latency-over-time-25000.png")) {
            byte[] bytes = Files.readAllBytes(dir.resolve(png));
            assertThat(bytes).hasSizeGreaterThan(5_000).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void aSetUpWithNoMeasuredCompletionShowsNoLatencyRatherThanZero() {
        var empty = new Harness.Run(SetUp.SQS_ONLY, 10_000, 1, 190, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 10_000, 220_000, 200, 9_800, 200,
                0, 0, 0, 0.0, 1.9, 0.1, 0.6, false, latencies(), TaskLegs.Split.empty(), new Timeline(0, Duration.ofSeconds(1)), 0, 0, new TcpCounters(12, 3));
        var p = Report.summarise(List.of(empty)).get(0);
        assertThat(p.p99Ms()).isNaN();
        assertThat(p.mergedP99Ms()).isNaN();
        String md = Report.markdown(new Report.Environment("m", "k", "s", BenchPlan.quick()), new Ceilings.Result(1, "", 1), List.of(p));
        assertThat(md).contains("| sqs-only | 10000 | — | — |", "220000 not sent; 9800 events, 200 tasks undone");
        assertThat(md).as("the machine's TCP drops and retransmissions beside the CPU").contains("| 0.60 | 3 / 12 |");
        assertThat(md).as("no chart is drawn of a rate where nothing completed, so none is linked").doesNotContain("latency-over-time-10000.png");
    }

    @Test
    void table5ShowsRecoveryLossesAndTheScaleOutFactorWithItsCharts() throws Exception {
        var plan = BenchPlan.full();
        var t = plan.table5();
        double[][] curve = {{-1, 0, 1, 2}, {2000, 0, 800, 2000}};
        var brokerKill = new Table5Runs.BrokerKill(SetUp.HYBRID, 2000, 2, java.util.Optional.of(Duration.ofMillis(9_400)), 0, 3, 2_700.0, 0, 120.0, 9800.0, curve);
        var neverBack = new Table5Runs.BrokerKill(SetUp.KAFKA_ONLY, 2000, 1, java.util.Optional.empty(), 12, 0, 30_000.0, 0, 150.0, 9900.0, curve);
        var kill = new WorkerRuns.Settings(150, 2, 10, Duration.ofMillis(50), t.warmup(), t.faultWindow(), java.util.Optional.of(t.killAfter()), t.drain());
        var workerKill = new WorkerRuns.Result(Transports.TaskTransport.SQS, kill, 150, 10_000, 0, 4, 60, 900, 10_050, 0.3,
                java.util.Optional.of(Duration.ofSeconds(1)), curve);
        var one = new WorkerRuns.Settings(500, 1, 10, Duration.ofMillis(50), t.warmup(), t.scaleWindow(), java.util.Optional.empty(), t.drain());
        var two = new WorkerRuns.Settings(500, 2, 10, Duration.ofMillis(50), t.warmup(), t.scaleWindow(), java.util.Optional.empty(), t.drain());
        var scale = List.of(new WorkerRuns.Result(Transports.TaskTransport.SQS, one, 190, 10_000, 0, 0, 50, 9000, 9100, 0.2, java.util.Optional.empty(), curve),
                new WorkerRuns.Result(Transports.TaskTransport.SQS, two, 380, 10_000, 0, 0, 50, 60, 70, 0.4, java.util.Optional.empty(), curve));
        var env = new Report.Environment("test machine", "a broker", "an SQS server", plan);
        Report.write(dir, env, new Ceilings.Result(100_000, "summary", 3000), List.of(),
                new Table5Runs.Result(List.of(brokerKill, neverBack), List.of(workerKill), scale));

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("Tables 3 and 4 (throughput, latency) were not part of this run", "Table 5");
        assertThat(md).contains("| hybrid | 2000 | 2 | 2700.0 | 9.4 s | 0 | 3 | 0 | 120.0 | 9800.0 |",
                "| kafka-only | 2000 | 1 | 30000.0 | not recovered in the window | 12 |");
        assertThat(md).contains("| SQS | sqs-only, hybrid | 150 | 1.0 s | 0 | 4 |");
        assertThat(md).as("2 processes of 200 tasks/s each against 500 offered: 2.00 at best")
                .contains("| SQS | sqs-only, hybrid | 190 | 380 | 2.00 | 2.00 | 9000.0 → 60.0 | 0.20 → 0.40 |");
        assertThat(Files.readAllLines(dir.resolve("table5.csv"))).hasSize(1 + 2 + 1 + 2).contains("broker-kill,hybrid,2000,3,9.4,0,0,,120.000,9800.000");
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"run\" : \"worker-kill\"", "\"recoverySeconds\" : 9.4");
        for (String png : List.of("broker-kill.png", "worker-kill.png", "scale.png")) {
            assertThat(Files.readAllBytes(dir.resolve(png))).hasSizeGreaterThan(5_000).startsWith(0x89, 'P', 'N', 'G');
        }
        assertThat(dir.resolve("throughput.png")).as("no Table 3 run: no throughput chart").doesNotExist();
    }

    @Test
    void quickFinishesInUnderThreeMinutesOfMeasuring() {
        var quick = BenchPlan.quick();
        Duration perRun = quick.warmup().plus(quick.measured());
        assertThat(perRun.multipliedBy(quick.runs())).isLessThan(Duration.ofMinutes(2));
    }
}
