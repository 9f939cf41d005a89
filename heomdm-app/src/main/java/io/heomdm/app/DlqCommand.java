package io.heomdm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.SqsDeadLetters;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code heomdm dlq}: the dead-letter queues of the task queues. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect, redrive and purge the dead-letter queues. Uses the same configuration as 'up' "
                + "(with the embedded default, the platform must be running).",
        subcommands = {DlqCommand.ListDlqs.class, DlqCommand.Show.class, DlqCommand.Redrive.class, DlqCommand.Purge.class})
final class DlqCommand {
    @Option(names = "--config", description = "YAML configuration file", scope = picocli.CommandLine.ScopeType.INHERIT)
    Path config;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    <R> R withConsole(java.util.function.Function<SqsDeadLetters, R> action) {
        HeomdmConfig cfg = ConfigLoader.load(Optional.ofNullable(config), System.getenv());
        var settings = Settings.sqs(cfg, Settings.embeddedSqsEndpoint(cfg));
        try (var queues = new SqsTaskQueue(settings, new SplittableRandom())) {
            return action.apply(new SqsDeadLetters(queues));
        } catch (RuntimeException e) {
            if (e instanceof SdkClientException || e.getCause() instanceof SdkClientException) {
                throw new IllegalStateException("cannot reach SQS at " + settings.endpoint().map(Object::toString).orElse("AWS " + settings.region())
                        + (cfg.sqs().embedded() ? " (the embedded server runs inside 'heomdm up': is it running?)" : ""), e);
            }
            throw e;
        }
    }

    static QueueSpec<?> queue(String name) {
        return TaskQueues.all().stream().filter(q -> q.name().equals(name) || q.deadLetterName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue named " + name + "; the queues are "
                        + TaskQueues.all().stream().map(QueueSpec::name).collect(Collectors.joining(", "))));
    }

    @Command(name = "list", description = "Each dead-letter queue, its source queue and how many tasks it holds.")
    static final class ListDlqs implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var dlqs = parent.withConsole(c -> c.list(TaskQueues.all()));
            out.printf("%-24s %-20s %s%n", "DEAD-LETTER QUEUE", "SOURCE", "TASKS");
            dlqs.forEach(d -> out.printf("%-24s %-20s %d%n", d.name(), d.source(), d.messages()));
            return 0;
        }
    }

    @Command(name = "show", description = "The parked tasks of a queue's DLQ: envelope, receives and payload (they are not consumed).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "QUEUE", description = "the source queue (or its DLQ)")
        String queue;
        @Option(names = "--max", defaultValue = "20", description = "at most this many tasks (default ${DEFAULT-VALUE})")
        int max;

        @Override
        public Integer call() throws Exception {
            List<SqsDeadLetters.ParkedTask> parked = parent.withConsole(c -> c.show(queue(queue), max));
            spec.commandLine().getOut().println(JSON.writeValueAsString(parked));
            return 0;
        }
    }

    @Command(name = "redrive", description = "Send the parked tasks back to their queue, eventId and trace intact.")
    static final class Redrive implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "QUEUE", description = "the source queue (or its DLQ)")
        String queue;
        @Option(names = "--to", description = "another queue to send them to (default: the source queue)")
        String to;

        @Override
        public Integer call() {
            QueueSpec<?> source = queue(queue);
            QueueSpec<?> destination = to == null ? source : queue(to);
            var result = parent.withConsole(c -> c.redrive(source, destination));
            spec.commandLine().getOut().printf("moved %d task(s) from %s to %s by %s%n", result.moved(), source.deadLetterName(),
                    destination.name(), result.method());
            return 0;
        }
    }

    @Command(name = "purge", description = "Delete every parked task of a queue's DLQ.")
    static final class Purge implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "QUEUE", description = "the source queue (or its DLQ)")
        String queue;
        @Option(names = "--yes", description = "confirm: the tasks are gone for good")
        boolean yes;

        @Override
        public Integer call() {
            QueueSpec<?> source = queue(queue);
            if (!yes) {
                spec.commandLine().getErr().println("purging deletes every task in " + source.deadLetterName() + " for good; add --yes to do it");
                return 2;
            }
            parent.withConsole(c -> {
                c.purge(source);
                return null;
            });
            spec.commandLine().getOut().println("purged " + source.deadLetterName());
            return 0;
        }
    }
}
