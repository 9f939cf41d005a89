package io.heomdm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.heomdm.bench.LogWrites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code heomdm bench platform}'s report: report.md, platform.csv, results.json, lag.png and cpu.png. */
final class PlatformReport {
    /** Fifteen colours that stay apart: a service per colour in the stacked CPU chart. */
    private static final java.awt.Color[] PALETTE = java.util.stream.Stream.of("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
            "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f3a5f", "#8cd17d", "#d37295", "#499894", "#000000")
            .map(java.awt.Color::decode).toArray(java.awt.Color[]::new);

    private PlatformReport() {
    }

    static void write(PlatformThroughput.Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(r));
        Files.writeString(dir.resolve("platform.csv"), csv(r));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules().writeValue(dir.resolve("results.json").toFile(), r);
        lagChart(r, dir.resolve("lag.png"));
        cpuChart(r, dir.resolve("cpu.png"));
    }

    static String markdown(PlatformThroughput.Result r) {
        var md = new StringBuilder("# The whole platform on this machine\n\n");
        md.append(String.format("%d cores, Java %s; every service on; each rate offered for %d s %s; sustained = every event delivered, no "
                + "consumer group more than 5 s of events behind on its input over the last quarter of the step, and all caught up within %d s after it.%n%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version().feature(), r.plan().step().toSeconds(), r.plan().via() == PlatformThroughput.Via.API ? "through the API (NDJSON batches of 100)"
                        : "straight to Kafka", r.plan().settle().toSeconds()));
        md.append(String.format("**Maximum sustainable rate: %s**%n%n", r.maxSustainable().isPresent()
                ? String.format("%,d events/s", r.maxSustainable().getAsInt()) : "none of the rates offered"));
        var l = r.limits();
        if (!Double.isNaN(l.platformCatchUp()) && Double.isNaN(l.producer())) {
            md.append(String.format("The whole platform caught up on a backlog at %,.0f events/s.%n%n", l.platformCatchUp()));
        }
        if (!Double.isNaN(l.producer())) {
            md.append("## Ceilings in the same run (events/s)\n\n| what | events/s | of the Streams ceiling |\n|---|---:|---:|\n");
            md.append(String.format("| Kafka's ProducerPerformance | %,.0f | |%n", l.producer()));
            md.append(String.format("| minimal exactly-once Streams application (Streams ceiling) | %,.0f | 1.00 |%n", l.streams()));
            l.applications().forEach((app, rate) -> md.append(String.format("| %s alone | %,.0f | %.2f |%n", app, rate, rate / l.streams())));
            md.append(String.format("| the whole platform catching up on a backlog | %,.0f | %.2f |%n%n", l.platformCatchUp(), l.platformCatchUp() / l.streams()));
        }
        md.append("## Per rate\n\n| offered | delivered | sustained | drained in s | max lag (records) | most behind on the input (s) | p50 / p99 of effects (ms) |\n|---:|---:|---|---:|---|---|---|\n");
        for (var s : r.steps()) {
            md.append(String.format("| %,d | %,.0f | %s | %.1f | %s | %s | %s |%n", s.rate(), s.deliveredPerSecond(),
                    s.notSustained().map(why -> "**no**: " + why).orElse("yes"), s.drainSeconds(), join(s.maxLag()), seconds(s.maxSecondsBehind()),
                    latencies(s.latency())));
        }
        md.append("\n## CPU per service (cores)\n\n| offered | ");
        Set<String> services = services(r);
        md.append(String.join(" | ", services)).append(" |\n|---:|").append("---:|".repeat(services.size())).append('\n');
        for (var s : r.steps()) {
            md.append(String.format("| %,d |", s.rate()));
            services.forEach(name -> md.append(String.format(" %.2f |", s.cores().getOrDefault(name, 0.0))));
            md.append('\n');
        }
        r.steps().stream().filter(PlatformThroughput.Step::sustained).reduce((a, b) -> b).or(() -> r.steps().stream().reduce((a, b) -> b))
                .ifPresent(s -> md.append(writes(s)));
        md.append(String.format("%nmarket.activity.v1 holds %,d offsets (transaction markers included); each group reading it took in up to: %s; "
                + "every group caught up at the end: %s.%n", r.activity(), join(r.takenIn()), r.caughtUp() ? "yes" : "**no**"));
        md.append("\nCharts: lag.png (every group's lag over the run), cpu.png (CPU per service per rate).\n");
        return md.toString();
    }

    /** What the brokers took in per event delivered at one rate, topics by bytes: where the broker's CPU goes. */
    private static String writes(PlatformThroughput.Step s) {
        if (s.written().isEmpty() || s.accepted() == 0) {
            return "";
        }
        var md = new StringBuilder(String.format("%n## Written to Kafka per event delivered, at %,d events/s%n%n"
                + "Records include transaction markers; bytes are on disk, every replica.%n%n| topic | records | bytes | of all bytes |%n|---|---:|---:|---:|%n", s.rate()));
        long total = s.written().values().stream().mapToLong(LogWrites.Written::bytes).sum();
        double events = s.accepted();
        s.written().entrySet().stream().sorted(Map.Entry.<String, LogWrites.Written>comparingByValue(java.util.Comparator.comparingLong(LogWrites.Written::bytes)).reversed())
                .forEach(e -> md.append(String.format("| %s | %.2f | %,.0f | %.0f %% |%n", e.getKey(), e.getValue().records() / events,
                        e.getValue().bytes() / events, 100.0 * e.getValue().bytes() / Math.max(1, total))));
        md.append(String.format("| **all** | %.2f | %,.0f | |%n", s.written().values().stream().mapToLong(LogWrites.Written::records).sum() / events, total / events));
        if (!s.brokerRequests().isEmpty()) {
            md.append("\nThe broker's requests while the rate was offered:\n\n| request | per second | per event |\n|---|---:|---:|\n");
            s.brokerRequests().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> md.append(String.format("| %s | %,.0f | %.3f |%n", e.getKey(), e.getValue(), e.getValue() / s.deliveredPerSecond())));
        }
        return md.toString();
    }

    private static String csv(PlatformThroughput.Result r) {
        var csv = new StringBuilder("offered_per_s,via,delivered_per_s,sustained,drain_s,max_lag,effects_p50_ms,effects_p99_ms\n");
        for (var s : r.steps()) {
            long maxLag = s.maxLag().values().stream().mapToLong(Long::longValue).max().orElse(0);
            double p50 = s.latency().values().stream().mapToDouble(Effects.Latency::p50Millis).max().orElse(Double.NaN);
            double p99 = s.latency().values().stream().mapToDouble(Effects.Latency::p99Millis).max().orElse(Double.NaN);
            csv.append(String.format(java.util.Locale.ROOT, "%d,%s,%.0f,%s,%.1f,%d,%.0f,%.0f%n", s.rate(), s.via().name().toLowerCase(),
                    s.deliveredPerSecond(), s.sustained(), s.drainSeconds(), maxLag, p50, p99));
        }
        return csv.toString();
    }

    private static Set<String> services(PlatformThroughput.Result r) {
        Set<String> services = new LinkedHashSet<>();
        r.steps().forEach(s -> s.cores().entrySet().stream().filter(e -> e.getValue() >= 0.005).forEach(e -> services.add(e.getKey())));
        return services;
    }

    private static String join(Map<String, Long> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(String.format("%s %,d", k, v)));
        return String.join(", ", parts);
    }

    private static String seconds(Map<String, Double> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(String.format("%s %.1f", k, v)));
        return String.join(", ", parts);
    }

    private static String latencies(Map<String, Effects.Latency> latencies) {
        List<String> parts = new ArrayList<>();
        latencies.forEach((effect, l) -> parts.add(l.count() == 0 ? effect + " —" : String.format("%s %.0f / %.0f", effect, l.p50Millis(), l.p99Millis())));
        return String.join("; ", parts);
    }

    private static void lagChart(PlatformThroughput.Result r, Path file) throws IOException {
        if (r.timeline().isEmpty()) {
            return;
        }
        var chart = new XYChartBuilder().width(1000).height(560).title("Consumer lag while the rates are offered")
                .xAxisTitle("seconds into the ladder").yAxisTitle("records behind").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (String group : PlatformServices.GROUPS.keySet()) {
            var x = r.timeline().stream().map(PlatformThroughput.LagSample::seconds).toList();
            var y = r.timeline().stream().map(s -> (Number) s.lag().getOrDefault(group, 0L)).toList();
            chart.addSeries(group, x, y).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void cpuChart(PlatformThroughput.Result r, Path file) throws IOException {
        if (r.steps().isEmpty()) {
            return;
        }
        var chart = new CategoryChartBuilder().width(1000).height(560).title("CPU per service").xAxisTitle("events/s offered").yAxisTitle("cores").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setStacked(true);
        chart.getStyler().setSeriesColors(PALETTE); // XChart's own repeats after ten series

        List<String> rates = r.steps().stream().map(s -> String.format("%,d", s.rate())).toList();
        for (String service : services(r)) {
            chart.addSeries(service, rates, r.steps().stream().map(s -> (Number) s.cores().getOrDefault(service, 0.0)).toList());
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
