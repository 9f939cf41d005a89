package io.heomdm.app;

import io.heomdm.bench.WorkerThroughput;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code heomdm bench}: measurements on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure HEOMDM on this machine.",
        subcommands = {BenchCommand.Queue.class})
final class BenchCommand {

    @Command(name = "queue", mixinStandardHelpOptions = true,
            description = "The task worker container against a plain AWS-SDK loop (receive 10, delete 10) on an embedded ElasticMQ, "
                    + "2 KB tasks, same producer; alternating runs, medians.")
    static final class Queue implements Callable<Integer> {
        @Option(names = "--tasks", defaultValue = "20000", description = "tasks per run (default ${DEFAULT-VALUE})")
        int tasks;
        @Option(names = "--repetitions", defaultValue = "3", description = "runs of each (default ${DEFAULT-VALUE})")
        int repetitions;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = System.out;
            out.printf("worker container vs plain SDK loop: %d tasks x %d repetitions (figures from a local SQS-compatible server, not AWS)%n",
                    tasks, repetitions);
            WorkerThroughput.Result r = new WorkerThroughput().run(tasks, repetitions, out);
            out.printf("plain SDK loop:   median %.0f tasks/s %s%n", r.plainMedian(), Arrays.toString(round(r.plain())));
            out.printf("worker container: median %.0f tasks/s %s%n", r.containerMedian(), Arrays.toString(round(r.container())));
            out.printf("ratio container/plain: %.2f%n", r.ratio());
            return 0;
        }

        private static long[] round(double[] values) {
            return Arrays.stream(values).mapToLong(Math::round).toArray();
        }
    }
}
