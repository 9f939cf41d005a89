package io.heomdm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU time this JVM's threads have used, grouped by what they work for (a Streams application, the
 * broker, the SQS server, the JIT compilers...). Java threads are read from the {@link ThreadMXBean}
 * by their full names; the JVM's own threads (compilers, GC), which it does not list, from Linux's
 * /proc. A thread that ends keeps the time it had when last sampled; one that starts and ends
 * between two samples is not seen (the bench samples every second).
 */
public final class ThreadCpu {
    /** USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture the JDK runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Function<String, String> groupOf;
    private final Map<Long, Seen> javaThreads = new HashMap<>();
    private final Map<String, Seen> jvmThreads = new HashMap<>();

    private record Seen(String group, long nanos) {
    }

    /** @param groupOf a thread's group by its name (for JVM threads: the 15 characters Linux keeps of it) */
    public ThreadCpu(Function<String, String> groupOf) {
        this.groupOf = groupOf;
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /** CPU nanoseconds per group since this JVM started (as far as seen), read now. */
    public synchronized Map<String, Long> sample() {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (infos[i] != null && cpu >= 0) {
                javaThreads.put(ids[i], new Seen(groupOf.apply(infos[i].getThreadName()), cpu));
            }
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                String stat = read(task.resolve("stat"));
                String name = name(stat);
                if (name != null && isJvmThread(name)) {
                    jvmThreads.put(task.getFileName().toString(), new Seen(groupOf.apply(name), ticks(stat) * NANOS_PER_TICK));
                }
            });
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's own threads are not counted
        }
        Map<String, Long> groups = new TreeMap<>();
        Stream.concat(javaThreads.values().stream(), jvmThreads.values().stream()).forEach(s -> groups.merge(s.group(), s.nanos(), Long::sum));
        return groups;
    }

    /** What each group used between two samples, in cores (CPU seconds per second). */
    public static Map<String, Double> cores(Map<String, Long> before, Map<String, Long> after, long elapsedNanos) {
        Map<String, Double> cores = new TreeMap<>();
        after.forEach((group, nanos) -> cores.put(group, (nanos - before.getOrDefault(group, 0L)) / (double) elapsedNanos));
        return cores;
    }

    /** The threads HotSpot does not show through the ThreadMXBean: compilers, GC, the VM thread. */
    static boolean isJvmThread(String name) {
        return List.of("C1 CompilerThre", "C2 CompilerThre", "GC Thread", "G1 ", "VM Thread", "VM Periodic").stream().anyMatch(name::startsWith);
    }

    /** A thread's name from its /proc stat line (between the first '(' and the last ')'), or null. */
    static String name(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open < 0 || close < open ? null : stat.substring(open + 1, close);
    }

    /** user + system ticks: fields 14 and 15, counted after the name. */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // the thread has ended
        }
    }
}
