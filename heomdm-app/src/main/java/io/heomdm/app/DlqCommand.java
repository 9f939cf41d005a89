package io.heomdm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.DeadLetters;
import io.heomdm.taskqueue.KafkaShareTaskQueue;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskQueue;
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
        description = "Inspect, redrive and purge the dead letters of the task queues: SQS dead-letter queues, or the "
                + "dead-letter topics with tasks.transport kafka-share. Uses the same configuration as 'up' "
                + "(with the embedded default, the platform must be running).",
        subcommands = {DlqCommand.ListDlqs.class, DlqCommand.Show.class, DlqCommand.Redrive.class, DlqCommand.Purge.class})
final class DlqCommand {
    @Option(names = "--config", description = "YAML configuration file", scope = picocli.CommandLine.ScopeType.INHERIT)
    Path config;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Runs the action on the dead-letter console of the configured transport, explaining an unreachable server. */
    <R> R withConsole(java.util.function.Function<DeadLetters, R> action) {
        HeomdmConfig cfg = ConfigLoader.load(Optional.ofNullable(config), System.getenv());
        String where;
        TaskQueue queues;
        if (cfg.tasks().onKafka()) {
            String bootstrap = Settings.kafkaBootstrap(cfg);
            where = "Kafka at " + bootstrap + (cfg.kafka().embedded() ? " (the embedded broker runs inside 'heomdm up': is it running?)" : "");
            queues = new KafkaShareTaskQueue(Settings.kafkaShare(cfg, bootstrap));
        } else {
            var settings = Settings.sqs(cfg, Settings.embeddedSqsEndpoint(cfg));
            where = "SQS at " + settings.endpoint().map(Object::toString).orElse("AWS " + settings.region())
                    + (cfg.sqs().embedded() ? " (the embedded server runs inside 'heomdm up': is it running?)" : "");
            queues = new SqsTaskQueue(settings, new SplittableRandom());
        }
        try (queues) {
            return action.apply(queues.deadLetters());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException || e instanceof SdkClientException
                    || e.getCause() instanceof SdkClientException) {
                throw new IllegalStateException("cannot reach " + where, e);
            }
            throw e;
        }
    }

    /** A queue by its name, or by the name of its DLQ, topic or dead-letter topic. */
    static QueueSpec<?> queue(String name) {
        return TaskQueues.all().stream().filter(q -> List.of(q.name(), q.deadLetterName(), KafkaShareTaskQueue.topic(q),
                        KafkaShareTaskQueue.deadLetterTopic(q)).contains(name)).findFirst()
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
            out.printf("%-28s %-24s %s%n", "DEAD LETTERS", "SOURCE", "TASKS");
            dlqs.forEach(d -> out.printf("%-28s %-24s %d%n", d.name(), d.source(), d.messages()));
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
            List<DeadLetters.ParkedTask> parked = parent.withConsole(c -> c.show(queue(queue), max));
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
            if (!destination.taskType().equals(source.taskType())) {
                throw new IllegalArgumentException("--to: " + destination.name() + " carries " + destination.taskType().name()
                        + " tasks, " + source.name() + "'s dead letters are " + source.taskType().name());
            }
            var result = parent.withConsole(c -> c.redrive(source, destination));
            spec.commandLine().getOut().printf("moved %d task(s) from the dead letters of %s to %s by %s%n", result.moved(), source.name(),
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
                spec.commandLine().getErr().println("purging deletes every dead-lettered task of " + source.name() + " for good; add --yes to do it");
                return 2;
            }
            parent.withConsole(c -> {
                c.purge(source);
                return null;
            });
            spec.commandLine().getOut().println("purged the dead letters of " + source.name());
            return 0;
        }
    }
}
