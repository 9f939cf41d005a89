package io.heomdm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The benchmark's output: Markdown tables after the paper's Tables 3 and 4 (throughput, latency),
 * CSV and JSON of every run, and PNG charts of throughput and latency against offered load.
 * Repetitions are summarised by their median, with the spread (min–max) beside it, and their
 * latency histograms merged.
 */
public final class Report {
    /** The repetitions of one set-up at one offered rate. */
    public record Point(SetUp setUp, int offered, double delivered, double deliveredMin, double deliveredMax, double p50Ms, double p99Ms,
            double p99MinMs, double p99MaxMs, double p999Ms, double maxMs, double mergedP99Ms, long notSent, long eventsMissing, long tasksMissing,
            long duplicates, double harnessCores, double brokerCores, double sqsCores, boolean drained, Legs legs, TcpCounters tcp) {
    }

    /** The legs of the task-causing events' latency, repetitions merged (ms; NaN where none was measured). */
    public record Legs(double toDecisionP50Ms, double toDecisionP99Ms, double toQueuedP50Ms, double toQueuedP99Ms, double toDoneP50Ms,
            double toDoneP99Ms) {
        static Legs of(TaskLegs.Split s) {
            return new Legs(ms(s.toDecision(), 50), ms(s.toDecision(), 99), ms(s.toQueued(), 50), ms(s.toQueued(), 99), ms(s.toDone(), 50),
                    ms(s.toDone(), 99));
        }

        private static double ms(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    public record Environment(String machine, String kafka, String sqs, BenchPlan plan) {
    }

    public static List<Point> summarise(List<Harness.Run> runs) {
        Map<String, List<Harness.Run>> groups = new LinkedHashMap<>();
        runs.stream().sorted(Comparator.comparing((Harness.Run r) -> r.setUp().ordinal()).thenComparingInt(Harness.Run::offered))
                .forEach(r -> groups.computeIfAbsent(r.setUp().id() + "@" + r.offered(), k -> new ArrayList<>()).add(r));
        List<Point> points = new ArrayList<>();
        for (List<Harness.Run> g : groups.values()) {
            Histogram merged = merge(g);
            points.add(new Point(g.get(0).setUp(), g.get(0).offered(), median(g, Harness.Run::delivered), min(g, Harness.Run::delivered),
                    max(g, Harness.Run::delivered), median(g, Harness.Run::p50Ms), median(g, Harness.Run::p99Ms), min(g, Harness.Run::p99Ms),
                    max(g, Harness.Run::p99Ms), median(g, Harness.Run::p999Ms), median(g, Harness.Run::maxMs), merged.getTotalCount() == 0 ? Double.NaN : merged.getValueAtPercentile(99) / 1000.0,
                    g.stream().mapToLong(Harness.Run::notSent).sum(), g.stream().mapToLong(Harness.Run::eventsMissing).sum(), g.stream().mapToLong(Harness.Run::tasksMissing).sum(),
                    g.stream().mapToLong(Harness.Run::duplicates).sum(), median(g, Harness.Run::harnessCores), median(g, Harness.Run::brokerCores),
                    median(g, Harness.Run::sqsCores), g.stream().allMatch(Harness.Run::drained),
                    Legs.of(TaskLegs.Split.merge(g.stream().map(Harness.Run::legs).toList())),
                    g.stream().map(Harness.Run::tcp).reduce(TcpCounters.NONE, TcpCounters::plus)));
        }
        return points;
    }

    /** The latency histograms of several runs as one. */
    static Histogram merge(List<Harness.Run> runs) {
        Histogram merged = new Histogram(runs.get(0).latency().getHighestTrackableValue(), runs.get(0).latency().getNumberOfSignificantValueDigits());
        runs.forEach(r -> merged.add(r.latency()));
        return merged;
    }

    public static void write(Path dir, Environment env, Ceilings.Result ceilings, List<Harness.Run> runs, Table5Runs.Result table5)
            throws IOException {
        Files.createDirectories(dir);
        List<Point> points = summarise(runs);
        Files.writeString(dir.resolve("report.md"), markdown(env, ceilings, points) + Table5Report.markdown(env.plan(), table5));
        Files.writeString(dir.resolve("runs.csv"), csv(runs));
        Files.writeString(dir.resolve("summary.csv"), summaryCsv(points, ceilings));
        json(dir.resolve("results.json"), env, ceilings, runs, points, table5);
        if (!points.isEmpty()) {
            chart(dir.resolve("throughput.png"), "Delivered against offered load", "delivered events/s", points, Point::delivered, false, true);
            chart(dir.resolve("latency.png"), "End-to-end latency p99 (intended send → decision or task done)", "p99 latency (ms)", points,
                    Point::p99Ms, true, false);
            for (int rate : rates(points)) {
                overTime(dir.resolve(overTimeFile(rate)), rate, runs, env.plan());
            }
        }
        Table5Report.write(dir, env.plan(), table5);
    }

    static String markdown(Environment env, Ceilings.Result ceilings, List<Point> points) {
        StringBuilder b = new StringBuilder();
        var plan = env.plan();
        b.append("# HEOMDM benchmark\n\n");
        b.append("Machine: ").append(env.machine()).append("  \nKafka: ").append(env.kafka()).append("  \nSQS: ").append(env.sqs()).append("\n\n");
        b.append(String.format(Locale.ROOT, "Method: open loop at a fixed offered rate, latency from each event's intended send time (HdrHistogram); "
                + "%s%d s warm-up not counted, %d s measured, %d repetition(s) (median, spread min–max); %d partitions; %.1f %% of events cause a task; "
                + "average event %d bytes (Avro).%n%n", plan.jitWarmup().isZero() ? ""
                        : String.format(Locale.ROOT, "first each set-up in rounds of %d s at the lowest rate until the JIT compilers of every JVM used under "
                                + "%.2f cores (at most %d rounds), not counted; then per run ", plan.jitWarmup().toSeconds(), Harness.JIT_QUIET_CORES,
                                Harness.JIT_WARMUP_ROUNDS),
                plan.warmup().toSeconds(), plan.measured().toSeconds(), plan.repetitions(), plan.partitions(),
                plan.taskFraction() * 100, plan.eventBytes()));
        b.append(String.format(Locale.ROOT, "Raw ceilings measured in the same run: Kafka's producer performance tool **%.0f records/s**; "
                + "plain AWS-SDK batch loop (send 10, receive 10, delete 10) **%.0f messages/s**.%n%n", ceilings.kafkaRecordsPerSecond(),
                ceilings.sqsMessagesPerSecond()));
        b.append("| set-up | events on | tasks on |\n|---|---|---|\n");
        plan.setUps().forEach(s -> b.append("| ").append(s.id()).append(" | ").append(s.events()).append(" | ").append(s.tasks()).append(" |\n"));
        b.append("\nFigures for SQS come from a local SQS-compatible server (ElasticMQ) on this machine, not from AWS, unless the line "
                + "above says otherwise. The paper's own tables (simulated, 5 nodes of 8 vCPU) are not in this repository, so they are not "
                + "printed beside these.\n");
        if (points.isEmpty()) {
            return b.append("\nTables 3 and 4 (throughput, latency) were not part of this run.\n").toString();
        }
        b.append("\n## Table 3 — Throughput\n\n");
        b.append("| set-up | offered /s | delivered /s (median) | spread | delivered / offered | ÷ Kafka ceiling | harness CPU (cores) | broker CPU (cores) | SQS server CPU (cores) | TCP dropped / retransmitted | left over |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Point p : points) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f–%.0f | %.3f | %.3f | %.2f | %.2f | %.2f | %d / %d | %s |%n", p.setUp().id(), p.offered(),
                    p.delivered(), p.deliveredMin(), p.deliveredMax(), p.delivered() / p.offered(), p.delivered() / ceilings.kafkaRecordsPerSecond(),
                    p.harnessCores(), p.brokerCores(), p.sqsCores(), p.tcp().receiveBufferDrops(), p.tcp().retransmitted(), backlog(p)));
        }
        b.append("\nTCP: segments the kernel dropped for a full socket receive buffer, and segments retransmitted, machine-wide over the "
                + "point's runs. A drop costs its connection a retransmission timeout of at least 200 ms, so a point with drops has them "
                + "in its latency tail.\n");
        b.append("\n## Table 4 — Latency (ms, intended send → decision, or → task done for events that cause one)\n\n");
        b.append("| set-up | offered /s | p50 | p99 | p99 spread | p99.9 | max | p99, repetitions merged | duplicates |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : points) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s–%s | %s | %s | %s | %d |%n", p.setUp().id(), p.offered(), ms(p.p50Ms()),
                    ms(p.p99Ms()), ms(p.p99MinMs()), ms(p.p99MaxMs()), ms(p.p999Ms()), ms(p.maxMs()), ms(p.mergedP99Ms()), p.duplicates()));
        }
        b.append("\n### Where the time of an event that causes a task goes (ms, p50 / p99, repetitions merged)\n\n");
        b.append("Due → decision is the event's way through the producer, the event transport and the consumer; decision → queued the task's "
                + "send until its transport acknowledged it; queued → done its delivery to a worker and the handler.\n\n");
        b.append("| set-up | offered /s | due → decision | decision → queued | queued → done |\n|---|---:|---:|---:|---:|\n");
        for (Point p : points) {
            Legs l = p.legs();
            b.append(String.format(Locale.ROOT, "| %s | %d | %s / %s | %s / %s | %s / %s |%n", p.setUp().id(), p.offered(), ms(l.toDecisionP50Ms()),
                    ms(l.toDecisionP99Ms()), ms(l.toQueuedP50Ms()), ms(l.toQueuedP99Ms()), ms(l.toDoneP50Ms()), ms(l.toDoneP99Ms())));
        }
        b.append(goals(points));
        b.append("\n![throughput](throughput.png)\n\n![latency](latency.png)\n");
        b.append("\n### Latency over the measured window\n\nThe worst latency of the events due in each 100 ms, in each set-up's repetition "
                + "with the median p99. A stall shows as a spike that falls off by 100 ms every 100 ms (everything due during it waited for "
                + "its end); a machine short of CPU as a ragged band.\n\n");
        for (int rate : rates(points)) {
            if (points.stream().noneMatch(p -> p.offered() == rate && !Double.isNaN(p.p99Ms()))) {
                continue; // nothing measured completed at this rate: no chart was drawn
            }
            b.append("![latency over time at ").append(rate).append(" events/s](").append(overTimeFile(rate)).append(")\n\n");
        }
        return b.toString();
    }

    private static List<Integer> rates(List<Point> points) {
        return points.stream().map(Point::offered).distinct().sorted().toList();
    }

    private static String overTimeFile(int rate) {
        return "latency-over-time-" + rate + ".png";
    }

    /** The run of each set-up at {@code rate} whose p99 is the median of its repetitions. */
    static List<Harness.Run> medianRuns(int rate, List<Harness.Run> runs) {
        List<Harness.Run> median = new ArrayList<>();
        for (SetUp setUp : runs.stream().map(Harness.Run::setUp).distinct().sorted().toList()) {
            var mine = runs.stream().filter(r -> r.setUp() == setUp && r.offered() == rate).sorted(Comparator.comparingDouble(Harness.Run::p99Ms)).toList();
            if (!mine.isEmpty()) {
                median.add(mine.get((mine.size() - 1) / 2));
            }
        }
        return median;
    }

    private static void overTime(Path file, int rate, List<Harness.Run> runs, BenchPlan plan) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(400).title("Worst latency per 100 ms at " + rate + " events/s")
                .xAxisTitle("seconds into the measured window (by due time)").yAxisTitle("worst latency (ms)").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        for (var r : medianRuns(rate, runs)) {
            double[][] xy = r.timeline().worstLatency(plan.warmup(), plan.warmup().plus(plan.measured()));
            if (xy[0].length > 0) {
                chart.addSeries(r.setUp().id(), xy[0], xy[1]).setMarker(SeriesMarkers.NONE);
            }
        }
        if (chart.getSeriesMap().isEmpty()) {
            return; // nothing measured completed at this rate
        }
        chart.getStyler().setYAxisLogarithmic(spansADecade(chart));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** The hybrid's goals: delivered ≥ 0.98 × kafka-only at every load; p99 ≤ 25 ms at 25k events/s. */
    static String goals(List<Point> points) {
        StringBuilder b = new StringBuilder("\n### Goals for `hybrid`\n\n");
        boolean any = false;
        for (Point h : points) {
            if (h.setUp() != SetUp.HYBRID) {
                continue;
            }
            var kafka = points.stream().filter(p -> p.setUp() == SetUp.KAFKA_ONLY && p.offered() == h.offered()).findFirst();
            if (kafka.isPresent()) {
                any = true;
                double ratio = h.delivered() / kafka.get().delivered();
                b.append(String.format(Locale.ROOT, "- at %d/s: delivered %.3f × kafka-only (goal ≥ 0.98): %s%n", h.offered(), ratio,
                        ratio >= 0.98 ? "met" : "**not met**"));
            }
            if (h.offered() == 25_000) {
                any = true;
                b.append(String.format(Locale.ROOT, "- at 25000/s: p99 %s ms (goal ≤ 25 ms): %s%n", ms(h.p99Ms()), h.p99Ms() <= 25 ? "met" : "**not met**"));
            }
        }
        return any ? b.toString() : "";
    }

    static String csv(List<Harness.Run> runs) {
        StringBuilder b = new StringBuilder("setup,offered,repetition,delivered,p50_ms,p99_ms,p999_ms,max_ms,events,tasks,events_missing,"
                + "tasks_missing,duplicates,not_sent,late_sends,publish_failures,harness_cores,broker_cores,sqs_cores,tcp_receive_drops,tcp_retransmitted,drained\n");
        for (var r : runs) {
            b.append(String.format(Locale.ROOT, "%s,%d,%d,%.1f,%.3f,%.3f,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%d,%d,%s%n", r.setUp().id(), r.offered(),
                    r.repetition(), r.delivered(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), r.events(), r.tasks(), r.eventsMissing(),
                    r.tasksMissing(), r.duplicates(), r.notSent(), r.lateSends(), r.publishFailures(), r.harnessCores(), r.brokerCores(), r.sqsCores(),
                    r.tcp().receiveBufferDrops(), r.tcp().retransmitted(), r.drained()));
        }
        return b.toString();
    }

    static String summaryCsv(List<Point> points, Ceilings.Result ceilings) {
        StringBuilder b = new StringBuilder("setup,offered,delivered_median,delivered_min,delivered_max,ratio_to_kafka_ceiling,p50_ms,p99_ms,"
                + "p999_ms,max_ms,p99_merged_ms,to_decision_p99_ms,to_queued_p99_ms,to_done_p99_ms\n");
        for (Point p : points) {
            b.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.1f,%.1f,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f%n", p.setUp().id(), p.offered(),
                    p.delivered(), p.deliveredMin(), p.deliveredMax(), p.delivered() / ceilings.kafkaRecordsPerSecond(), p.p50Ms(), p.p99Ms(), p.p999Ms(),
                    p.maxMs(), p.mergedP99Ms(), p.legs().toDecisionP99Ms(), p.legs().toQueuedP99Ms(), p.legs().toDoneP99Ms()));
        }
        return b.toString();
    }

    private static void json(Path file, Environment env, Ceilings.Result ceilings, List<Harness.Run> runs, List<Point> points,
            Table5Runs.Result table5) throws IOException {
        var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();
        ObjectNode root = mapper.createObjectNode();
        root.put("machine", env.machine()).put("kafka", env.kafka()).put("sqs", env.sqs());
        root.set("plan", mapper.valueToTree(Map.of("setUps", env.plan().setUps().stream().map(SetUp::id).toList(), "rates", env.plan().rates(),
                "warmupSeconds", env.plan().warmup().toSeconds(), "measuredSeconds", env.plan().measured().toSeconds(),
                "repetitions", env.plan().repetitions(), "partitions", env.plan().partitions(), "taskFraction", env.plan().taskFraction(),
                "eventBytes", env.plan().eventBytes())));
        root.set("ceilings", mapper.valueToTree(ceilings));
        ArrayNode rs = root.putArray("runs");
        for (var r : runs) {
            ObjectNode n = mapper.valueToTree(new LinkedHashMap<>(Map.of("setUp", r.setUp().id(), "offered", r.offered(), "repetition", r.repetition(),
                    "delivered", r.delivered(), "p50Ms", r.p50Ms(), "p99Ms", r.p99Ms(), "p999Ms", r.p999Ms(), "maxMs", r.maxMs())));
            n.put("eventsMissing", r.eventsMissing()).put("tasksMissing", r.tasksMissing()).put("duplicates", r.duplicates())
                    .put("harnessCores", r.harnessCores()).put("brokerCores", r.brokerCores()).put("sqsCores", r.sqsCores())
                    .put("tcpReceiveDrops", r.tcp().receiveBufferDrops()).put("tcpRetransmitted", r.tcp().retransmitted()).put("drained", r.drained());
            rs.add(n);
        }
        ArrayNode ps = root.putArray("summary");
        for (Point p : points) {
            ObjectNode n = mapper.valueToTree(p);
            n.put("setUp", p.setUp().id());
            ps.add(n);
        }
        root.set("table5", Table5Report.json(mapper, table5));
        mapper.writeValue(file.toFile(), root);
    }

    private static void chart(Path file, String title, String yTitle, List<Point> points, ToDoubleFunction<Point> y, boolean logY,
            boolean ideal) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("offered events/s").yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (ideal) {
            double[] xs = points.stream().mapToDouble(Point::offered).distinct().sorted().toArray();
            XYSeries s = chart.addSeries("offered", xs, xs);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {4f}, 0f));
        }
        for (SetUp setUp : points.stream().map(Point::setUp).distinct().toList()) {
            var mine = points.stream().filter(p -> p.setUp() == setUp && !Double.isNaN(y.applyAsDouble(p))).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double[] xs = mine.stream().mapToDouble(Point::offered).toArray();
            double[] ys = mine.stream().mapToDouble(y).map(v -> logY ? Math.max(v, 0.01) : v).toArray();
            chart.addSeries(setUp.id(), xs, ys);
        }
        chart.getStyler().setYAxisLogarithmic(logY && spansADecade(chart));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Whether the chart's values reach across a power of ten. A logarithmic axis is labelled only at
     * powers of ten, so one over values between 10 and 50 ms (every set-up under its capacity) has no
     * labels at all; it is only worth having where a saturated set-up's seconds sit beside milliseconds.
     */
    static boolean spansADecade(XYChart chart) {
        var ys = chart.getSeriesMap().values().stream().flatMapToDouble(series -> java.util.Arrays.stream(series.getYData()))
                .filter(v -> v > 0).summaryStatistics();
        return ys.getCount() > 0 && ys.getMax() >= 10 * ys.getMin();
    }

    /** What the set-up did not get through: events the producer could not send in the window, and what was sent but not done after the drain. */
    static String backlog(Point p) {
        if (p.drained() && p.notSent() == 0) {
            return "no";
        }
        return (p.notSent() > 0 ? p.notSent() + " not sent; " : "") + p.eventsMissing() + " events, " + p.tasksMissing() + " tasks undone";
    }

    /** Milliseconds to one decimal; a dash where nothing measured completed. */
    static String ms(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double median(List<Harness.Run> g, ToDoubleFunction<Harness.Run> f) {
        double[] v = g.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Harness.Run> g, ToDoubleFunction<Harness.Run> f) {
        return g.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<Harness.Run> g, ToDoubleFunction<Harness.Run> f) {
        return g.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

}
