package io.heomdm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time the JIT compiler threads of this JVM and of the JVMs it started (the broker, the SQS
 * server, worker processes) have used, read from Linux's /proc. On 2 cores the C2 compiler of the
 * three JVMs takes a quarter of the machine for the first two to three minutes; a run measured
 * then measures the compiler. Elsewhere than on Linux it reads zero, and the warm-up is one round.
 */
final class JitActivity {
    /** USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture the JDK runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private JitActivity() {
    }

    /** Compiler CPU time so far, in nanoseconds, summed over this process and its descendants. */
    static long compilerCpuNanos() {
        return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                .mapToLong(p -> compilerTicks(Path.of("/proc", Long.toString(p.pid()), "task"))).sum() * NANOS_PER_TICK;
    }

    private static long compilerTicks(Path tasks) {
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.mapToLong(t -> compilerTicks(read(t.resolve("stat")))).sum();
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or the process has gone
        }
    }

    /** A thread's user + system ticks from its /proc stat line when it is a C1 or C2 compiler thread, else 0. */
    static long compilerTicks(String stat) {
        String name = ThreadCpu.name(stat);
        return name != null && (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) ? ThreadCpu.ticks(stat) : 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // the thread has ended
        }
    }
}
