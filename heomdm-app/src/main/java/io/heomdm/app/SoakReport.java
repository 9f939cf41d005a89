package io.heomdm.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code heomdm bench soak}'s report: report.md, soak.csv and soak.png (rate, lag and heap over time, the kills marked). */
final class SoakReport {
    private SoakReport() {
    }

    static void write(Soak.Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(r));
        var csv = new StringBuilder("minute,at,orders_per_second,lag_records,lag_seconds,lagging_service,heap_after_gc_mb,stall_ms\n");
        r.samples().forEach(s -> csv.append(String.format(Locale.ROOT, "%.3f,%s,%.1f,%d,%.2f,%s,%.1f,%.1f%n", s.minute(), s.at(), s.ordersPerSecond(),
                s.lagRecords(), s.lagSeconds(), s.laggingService(), s.heapAfterGcMb(), s.stallMs())));
        Files.writeString(dir.resolve("soak.csv"), csv);
        if (!r.samples().isEmpty()) {
            BitmapEncoder.saveBitmap(chart(r), dir.resolve("soak.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    static String markdown(Soak.Result r) {
        var p = r.plan();
        var md = new StringBuilder("# Soak\n\n");
        md.append(String.format(Locale.ROOT, "%d min at %,d orders/s through the API on three brokers (replication 3, min.insync 2); the activity "
                + "log's leader SIGKILLed every %d s and brought back after %d s%s.%n%n", p.duration().toMinutes(), p.ordersPerSecond(),
                p.killEvery().toSeconds(), p.downtime().toSeconds(), p.instanceKillEvery().isZero() ? ""
                        : String.format(Locale.ROOT, "; two instances of the platform (a standby copy of every store each), the second in a child "
                                + "process (its Streams applications, relays and task workers) SIGKILLed every %d s and started again after %d s",
                                p.instanceKillEvery().toSeconds(), p.downtime().toSeconds())));
        md.append("| check | figure | verdict |\n|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| exactly once | %,d acknowledged in %,d posts (%,d answered 503); lost from the log %d, from the "
                + "profiles %d; counted twice %d; out of order %d | %s |%n", r.acknowledged(), r.posts(), r.answered503(), r.lostInLog(),
                r.lostInProfiles(), r.countedTwice(), r.inversions(), r.exactlyOnce() ? "holds" : "**VIOLATED**"));
        md.append(String.format(Locale.ROOT, "| lag under %.0f s within %d s of each kill | %s | %s |%n", Soak.LAG_LIMIT_SECONDS,
                Soak.RECOVERY_LIMIT.toSeconds(), r.kills().isEmpty() ? "no kill" : r.kills().stream().map(k -> String.format(Locale.ROOT, "%s at %.1f min: %s", k.what(),
                        k.minute(), k.recoveredIn().map(d -> String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0)).orElse("never"))).toList().toString(),
                r.recovered() ? "holds" : "**VIOLATED**"));
        md.append(String.format(Locale.ROOT, "| heap after GC within ±%.0f %% of its median from minute %d | %s | %s |%n", Soak.HEAP_TOLERANCE * 100,
                Soak.HEAP_FROM.toMinutes(), r.heapDrift().map(d -> String.format(Locale.ROOT, "±%.1f %%", d * 100)).orElse("run too short"),
                r.heapDrift().isEmpty() ? "not judged" : r.heapSteady() ? "holds" : "**VIOLATED**"));
        md.append("\n![rate, lag and heap over time](soak.png)\n\nEvery sample is in soak.csv.\n");
        return md.toString();
    }

    private static XYChart chart(Soak.Result r) {
        var chart = new XYChartBuilder().width(1100).height(560).title("Soak: orders acknowledged, lag, stalls and heap, the kills marked")
                .xAxisTitle("minutes").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<Double> minutes = r.samples().stream().map(Soak.Sample::minute).toList();
        chart.addSeries("orders/s", minutes, r.samples().stream().map(Soak.Sample::ordersPerSecond).toList()).setMarker(SeriesMarkers.NONE);
        chart.addSeries("lag (s of the rate)", minutes, r.samples().stream().map(s -> Double.isNaN(s.lagSeconds()) ? 0 : s.lagSeconds()).toList())
                .setMarker(SeriesMarkers.NONE).setYAxisGroup(1);
        chart.addSeries("longest stall of the JVM (s)", minutes, r.samples().stream().map(s -> s.stallMs() / 1000).toList())
                .setMarker(SeriesMarkers.NONE).setYAxisGroup(1);
        chart.addSeries("heap after GC (MB)", minutes, r.samples().stream().map(Soak.Sample::heapAfterGcMb).toList())
                .setMarker(SeriesMarkers.NONE).setYAxisGroup(2);
        chart.setYAxisGroupTitle(0, "orders/s");
        chart.setYAxisGroupTitle(1, "lag (s)");
        chart.setYAxisGroupTitle(2, "heap after GC (MB)");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisGroupPosition(2, Styler.YAxisPosition.Right);
        r.kills().forEach(k -> chart.addAnnotation(new AnnotationLine(k.minute(), true, false)));
        return chart;
    }
}
