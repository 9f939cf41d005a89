package io.heomdm.app;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** The {@code --out} option of the benchmarks that write a report: a directory, by default a new one per run under bench-results. */
final class ReportDirectory {
    @Option(names = "--out", description = "report directory (default bench-results/${COMMAND-NAME}-<date-time>)")
    Path out;

    /** The directory given, or {@code bench-results/<command>-<yyyyMMdd-HHmmss>}. */
    Path orNew(String command) {
        return out != null ? out : Path.of("bench-results", command + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
