package io.heomdm.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a {@link WorkerProcess}: runs a set-up's task workers, each task waiting for
 * the simulated I/O latency, and reports every task run on standard output. Stops when its
 * standard input closes.
 */
public final class BenchWorker {
    static final String READY = "ready";
    static final String DONE = "done ";

    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        var spec = WorkerProcess.Spec.parse(args, System.getenv());
        // its own stream, flushed at every line: the harness times each task on the line's arrival
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.US_ASCII);
        long latency = spec.taskLatency().toMillis();
        try (var tasks = Transports.tasks(spec.transport(), spec.servers(), spec.run(), spec.partitions(), spec.concurrency(), System.nanoTime());
                var workers = tasks.startWorkers(task -> {
                    if (latency > 0) {
                        Transports.sleep(latency);
                    }
                    out.println(DONE + Harness.seq(task.envelope().correlationId()));
                })) {
            out.println(READY);
            while (System.in.read() != -1) {
                // runs until the harness closes our standard input (or kills us)
            }
        }
    }
}
