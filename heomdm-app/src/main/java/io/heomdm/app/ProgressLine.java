package io.heomdm.app;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The progress of a long command: drawn in place on a terminal; into a file or a pipe, a line every
 * 5 s and the last one, so a log of it stays readable.
 */
final class ProgressLine {
    private static final long EVERY = Duration.ofSeconds(5).toNanos();
    private final PrintWriter out;
    private final boolean terminal;
    private final long began = System.nanoTime();
    private long lastLine;

    ProgressLine(PrintWriter out) {
        this(out, System.console() != null);
    }

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - began);
    }

    /** Shows the line; {@code last} ends it (on a terminal, with a new line). */
    void show(String line, boolean last) {
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + line);
            if (last) {
                out.println();
            }
        } else if (last || now - lastLine >= EVERY) {
            out.println(line);
            lastLine = now;
        }
        out.flush();
    }

    /** {@code customers  CATCHING_UP [##########..........]  412,000 / 1,000,000 records  41%  12.3 s} */
    static String bar(String what, String state, long done, long of, String unit, Duration elapsed) {
        double share = of == 0 ? (state.equals("DONE") ? 1 : 0) : Math.min(1, done / (double) of);
        int filled = (int) Math.round(share * 30);
        return String.format("%s  %-11s [%s%s]  %,d / %,d %s  %3.0f%%  %.1f s", what, state, "#".repeat(filled), ".".repeat(30 - filled), done, of, unit,
                share * 100, elapsed.toMillis() / 1000.0);
    }
}
