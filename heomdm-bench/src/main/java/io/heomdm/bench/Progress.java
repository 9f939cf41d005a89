package io.heomdm.bench;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress bar for a long run: which step of how many, what it is doing, elapsed time and an
 * estimate of what is left, one line per step (it reads the same in a terminal and in a CI log).
 */
public final class Progress {
    private final PrintStream out;
    private final int steps;
    private final long started = System.nanoTime();
    private int done;

    public Progress(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    public void step(String what) {
        out.printf("%s %d/%d  %s%n", bar(), done + 1, steps, what);
    }

    public void done(String result) {
        done++;
        long elapsed = System.nanoTime() - started;
        long left = done == 0 ? 0 : elapsed / done * (steps - done);
        out.printf("%s %d/%d  %s  [%s elapsed, ~%s left]%n", bar(), done, steps, result, format(elapsed), format(left));
    }

    public void note(String line) {
        out.println("  " + line);
    }

    String bar() {
        int width = 24;
        int filled = steps == 0 ? width : done * width / steps;
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    private static String format(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }
}
