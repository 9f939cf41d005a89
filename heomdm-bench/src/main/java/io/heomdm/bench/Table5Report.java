package io.heomdm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Table 5 of the report: recovery after a broker or a worker is killed, and scale-out from one worker process to two. */
final class Table5Report {
    private Table5Report() {
    }

    static String markdown(BenchPlan plan, Table5Runs.Result r) {
        var t = plan.table5();
        if (r.brokerKills().isEmpty() && r.workerKills().isEmpty() && r.scale().isEmpty()) {
            return "\n## Table 5 — Fault recovery and scale-out\n\nNot part of this run.\n";
        }
        StringBuilder b = new StringBuilder("\n## Table 5 — Fault recovery and scale-out\n\n");
        b.append("Recovery: from the kill until the delivered rate, over a sliding " + Table5Runs.RECOVERY_WINDOW.toSeconds()
                + " s, is back to ≥ 90 % of the offered rate and stays there to the end of the window (0.0 s: it never fell below). "
                + "Lost: sent and acknowledged, never processed after the drain, counted by sequence number. "
                + "One repetition per run.\n");
        if (!r.brokerKills().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%n### A Kafka broker killed%n%nThree brokers (each its own JVM), replication factor 3, "
                    + "min.insync.replicas 2; %d events/s; the leader of the events' partition 0 killed (SIGKILL) %d s into a %d s window. "
                    + "The brokers run with broker.session.timeout.ms 2 s, heartbeats every 0.4 s (Kafka's default: 9 s), and each is also "
                    + "a controller (fetch timeout 1 s, election timeout 0.5 s): the controller moves the dead broker's leaderships only "
                    + "when its session has passed, after electing a new controller first if the dead broker was the active one. Longest "
                    + "write: the longest any event waited for its acknowledgement.%n%n",
                    t.brokerKillRate(), t.killAfter().toSeconds(), t.faultWindow().toSeconds()));
            b.append("| set-up | offered /s | killed broker | longest write (ms) | recovery | events lost | sends failed | duplicates | p99 (ms) | max (ms) |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (var k : r.brokerKills()) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %d | %d | %d | %s | %s |%n", k.setUp().id(), k.offered(), k.killedNode(),
                        Report.ms(k.longestWriteMs()), Table5Runs.seconds(k.recovery()), k.lost(), k.publishFailures(), k.duplicates(), Report.ms(k.p99Ms()),
                        Report.ms(k.maxMs())));
            }
            b.append("\n![broker killed](broker-kill.png)\n");
        }
        if (!r.workerKills().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%n### A task worker killed%n%nTwo worker processes, %d tasks at a time each, every task "
                    + "waiting %d ms (simulated I/O); %.0f tasks/s sent straight to the task transport; one process killed (SIGKILL) %d s into "
                    + "a %d s window. A killed SQS worker's tasks come back when their visibility timeout (10 s here) ends. A killed "
                    + "Kafka consumer's partitions, and a killed share consumer's, stay assigned to it until its session times out "
                    + "(6 s here: session.timeout.ms for the classic protocol, group.share.session.timeout.ms on the brokers; Kafka's "
                    + "default is 45 s); a share group's record locks expire sooner, but the records wait in partitions nobody fetches.%n%n", t.workerConcurrency(), t.taskLatency().toMillis(), t.workerKillTaskRate(), t.killAfter().toSeconds(),
                    t.faultWindow().toSeconds()));
            b.append("| tasks on | set-ups | offered tasks/s | recovery | tasks lost | duplicates | p99 (ms) | max (ms) |\n");
            b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (var w : r.workerKills()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %d | %d | %s | %s |%n", w.transport().label, setUps(plan, w.transport()),
                        w.settings().tasksPerSecond(), Table5Runs.seconds(w.recovery()), w.lost(), w.duplicates(), Report.ms(w.p99Ms()),
                        Report.ms(w.maxMs())));
            }
            b.append("\n![worker killed](worker-kill.png)\n");
        }
        if (!r.scale().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%n### Scale-out: one worker process, then two%n%n%.0f tasks/s offered; each process runs %d "
                    + "tasks at a time, each waiting %d ms, so one process can do at most %.0f tasks/s. The wait stands for a task's I/O: on "
                    + "one machine CPU cannot double with a second process, waiting can, so this measures how the transport spreads work "
                    + "over workers, not the machine.%n%n", t.scaleTaskRate(), t.workerConcurrency(), t.taskLatency().toMillis(),
                    t.workerCapacity()));
            b.append("| tasks on | set-ups | 1 process tasks/s | 2 processes tasks/s | scale-out | best possible | p99 1 → 2 (ms) | worker CPU 1 → 2 (cores) |\n");
            b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (var transport : r.scale().stream().map(WorkerRuns.Result::transport).distinct().toList()) {
                var one = find(r.scale(), transport, 1);
                var two = find(r.scale(), transport, 2);
                if (one.isEmpty() || two.isEmpty()) {
                    continue;
                }
                double best = Math.min(t.scaleTaskRate(), 2 * t.workerCapacity()) / Math.min(t.scaleTaskRate(), t.workerCapacity());
                b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %.2f | %s → %s | %.2f → %.2f |%n", transport.label,
                        setUps(plan, transport), one.get().done(), two.get().done(), two.get().done() / one.get().done(), best,
                        Report.ms(one.get().p99Ms()), Report.ms(two.get().p99Ms()), one.get().workerCores(), two.get().workerCores()));
            }
            b.append("\n![scale-out](scale.png)\n");
        }
        return b.toString();
    }

    private static Optional<WorkerRuns.Result> find(List<WorkerRuns.Result> rs, Transports.TaskTransport transport, int processes) {
        return rs.stream().filter(x -> x.transport() == transport && x.settings().processes() == processes).findFirst();
    }

    private static String setUps(BenchPlan plan, Transports.TaskTransport transport) {
        return plan.setUps().stream().filter(s -> Transports.TaskTransport.of(s) == transport).map(SetUp::id).collect(Collectors.joining(", "));
    }

    static void write(Path dir, BenchPlan plan, Table5Runs.Result r) throws IOException {
        StringBuilder csv = new StringBuilder("run,subject,offered_per_s,processes,recovery_s,lost,duplicates,delivered_per_s,p99_ms,max_ms\n");
        for (var k : r.brokerKills()) {
            csv.append(String.format(Locale.ROOT, "broker-kill,%s,%d,3,%s,%d,%d,,%.3f,%.3f%n", k.setUp().id(), k.offered(), recovery(k.recovery()),
                    k.lost(), k.duplicates(), k.p99Ms(), k.maxMs()));
        }
        for (var w : r.workerKills()) {
            csv.append(line("worker-kill", w));
        }
        for (var w : r.scale()) {
            csv.append(line("scale", w));
        }
        Files.writeString(dir.resolve("table5.csv"), csv.toString());
        if (!r.brokerKills().isEmpty()) {
            timeChart(dir.resolve("broker-kill.png"), "Delivered events/s around a broker kill (at 0 s)", "delivered events/s",
                    r.brokerKills().stream().map(k -> new Curve(k.setUp().id(), k.curve())).toList(), plan.table5().brokerKillRate());
        }
        if (!r.workerKills().isEmpty()) {
            timeChart(dir.resolve("worker-kill.png"), "Tasks done per second around a worker kill (at 0 s)", "tasks/s",
                    r.workerKills().stream().map(w -> new Curve(w.transport().label, w.curve())).toList(), plan.table5().workerKillTaskRate());
        }
        if (!r.scale().isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder().width(900).height(520).title("Tasks done per second, one worker process and two")
                    .xAxisTitle("tasks on").yAxisTitle("tasks/s").build();
            chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            var transports = r.scale().stream().map(WorkerRuns.Result::transport).distinct().toList();
            for (int processes = 1; processes <= 2; processes++) {
                int p = processes;
                chart.addSeries(p + (p == 1 ? " process" : " processes"), transports.stream().map(x -> x.label).toList(),
                        transports.stream().map(x -> (Number) find(r.scale(), x, p).map(WorkerRuns.Result::done).orElse(0.0)).toList());
            }
            BitmapEncoder.saveBitmap(chart, dir.resolve("scale.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private record Curve(String name, double[][] xy) {
    }

    private static void timeChart(Path file, String title, String yTitle, List<Curve> curves, double offered) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("seconds from the kill").yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setMarkerSize(0);
        double from = curves.stream().filter(c -> c.xy()[0].length > 0).mapToDouble(c -> c.xy()[0][0]).min().orElse(0);
        double to = curves.stream().filter(c -> c.xy()[0].length > 0).mapToDouble(c -> c.xy()[0][c.xy()[0].length - 1]).max().orElse(1);
        var line = chart.addSeries("offered", new double[] {from, to}, new double[] {offered, offered});
        line.setMarker(SeriesMarkers.NONE);
        for (Curve c : curves) {
            if (c.xy()[0].length > 0) {
                chart.addSeries(c.name(), c.xy()[0], c.xy()[1]).setMarker(SeriesMarkers.NONE);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String line(String run, WorkerRuns.Result w) {
        return String.format(Locale.ROOT, "%s,%s,%.0f,%d,%s,%d,%d,%.1f,%.3f,%.3f%n", run, w.transport().name().toLowerCase(Locale.ROOT),
                w.settings().tasksPerSecond(), w.settings().processes(), recovery(w.recovery()), w.lost(), w.duplicates(), w.done(), w.p99Ms(),
                w.maxMs());
    }

    private static String recovery(Optional<Duration> d) {
        return d.map(v -> String.format(Locale.ROOT, "%.1f", v.toMillis() / 1000.0)).orElse("");
    }

    static ArrayNode json(ObjectMapper mapper, Table5Runs.Result r) {
        ArrayNode all = mapper.createArrayNode();
        for (var k : r.brokerKills()) {
            ObjectNode n = all.addObject().put("run", "broker-kill").put("setUp", k.setUp().id()).put("offered", k.offered())
                    .put("killedBroker", k.killedNode()).put("lost", k.lost()).put("sendsFailed", k.publishFailures()).put("longestWriteMs", k.longestWriteMs())
                    .put("duplicates", k.duplicates()).put("p99Ms", k.p99Ms()).put("maxMs", k.maxMs());
            k.recovery().ifPresent(d -> n.put("recoverySeconds", d.toMillis() / 1000.0));
        }
        for (var w : r.workerKills()) {
            workerJson(all.addObject().put("run", "worker-kill"), w);
        }
        for (var w : r.scale()) {
            workerJson(all.addObject().put("run", "scale"), w);
        }
        return all;
    }

    private static void workerJson(ObjectNode n, WorkerRuns.Result w) {
        n.put("tasksOn", w.transport().name().toLowerCase(Locale.ROOT)).put("processes", w.settings().processes())
                .put("offeredTasksPerSecond", w.settings().tasksPerSecond()).put("doneTasksPerSecond", w.done()).put("sent", w.sent())
                .put("lost", w.lost()).put("duplicates", w.duplicates()).put("p50Ms", w.p50Ms()).put("p99Ms", w.p99Ms()).put("maxMs", w.maxMs())
                .put("workerCores", w.workerCores());
        w.recovery().ifPresent(d -> n.put("recoverySeconds", d.toMillis() / 1000.0));
    }
}
