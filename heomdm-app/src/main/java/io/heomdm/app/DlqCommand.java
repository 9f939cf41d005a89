package io.heomdm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.heomdm.eventlog.EventDeadLetters;
import io.heomdm.storage.Database;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.DeadLetters;
import io.heomdm.taskqueue.KafkaShareTaskQueue;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
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

/** {@code heomdm dlq}: every dead letter of the platform, in one place. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List, show, replay and purge every dead letter: the task queues' dead-letter queues (SQS, or share-group "
                + "topics with tasks.transport kafka-share), the event log's dead-letter topics (*.dlt: Streams applications and "
                + "consumer groups) and the outbox's dead rows ('outbox'). Uses the same configuration as 'up' "
                + "(with the embedded default, the platform must be running).",
        subcommands = {DlqCommand.ListDlqs.class, DlqCommand.Show.class, DlqCommand.Redrive.class, DlqCommand.Purge.class})
final class DlqCommand {
    @Option(names = "--config", description = "YAML configuration file", scope = picocli.CommandLine.ScopeType.INHERIT)
    Path config;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Runs the action on the dead-letter consoles of the configured servers, explaining an unreachable one. */
    <R> R withConsole(java.util.function.BiFunction<DeadLetterConsole, DeadLetters, R> action) {
        HeomdmConfig cfg = ConfigLoader.load(Optional.ofNullable(config), System.getenv());
        String bootstrap = Settings.kafkaBootstrap(cfg);
        String where;
        TaskQueue queues;
        if (cfg.tasks().onKafka()) {
            where = "Kafka at " + bootstrap + (cfg.kafka().embedded() ? " (the embedded broker runs inside 'heomdm up': is it running?)" : "");
            queues = new KafkaShareTaskQueue(Settings.kafkaShare(cfg, bootstrap));
        } else {
            var settings = Settings.sqs(cfg, Settings.embeddedSqsEndpoint(cfg));
            where = "SQS at " + settings.endpoint().map(Object::toString).orElse("AWS " + settings.region())
                    + (cfg.sqs().embedded() ? " (the embedded server runs inside 'heomdm up': is it running?)" : "");
            queues = new SqsTaskQueue(settings, new SplittableRandom());
        }
        try (queues; var events = new EventDeadLetters(Settings.kafka(cfg, bootstrap));
                var database = Database.open(Platform.databaseSettings(cfg))) {
            return action.apply(new DeadLetterConsole(queues.deadLetters(), events, database, InstantSource.system()), queues.deadLetters());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException || e instanceof SdkClientException
                    || e.getCause() instanceof SdkClientException) {
                throw new IllegalStateException("cannot reach " + where, e);
            }
            throw e;
        }
    }

    static IllegalArgumentException unknown(String source) {
        return new IllegalArgumentException("no dead letters are kept under '" + source + "'; 'heomdm dlq list' names every source");
    }

    /** A queue by its name, or by the name of its DLQ, topic or dead-letter topic. */
    static QueueSpec<?> queue(String name) {
        return TaskQueues.all().stream().filter(q -> List.of(q.name(), q.deadLetterName(), KafkaShareTaskQueue.topic(q),
                        KafkaShareTaskQueue.deadLetterTopic(q)).contains(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue named " + name + "; the queues are "
                        + TaskQueues.all().stream().map(QueueSpec::name).collect(Collectors.joining(", "))));
    }

    @Command(name = "list", description = "Every place dead letters are parked, what it holds them for and how many.")
    static final class ListDlqs implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var sources = parent.withConsole((console, tasks) -> console.list());
            out.printf("%-52s %-11s %-48s %s%n", "DEAD LETTERS", "KIND", "OF", "COUNT");
            sources.forEach(d -> out.printf("%-52s %-11s %-48s %d%n", d.name(), d.kind(), d.of(), d.count()));
            return 0;
        }
    }

    @Command(name = "show", description = "The letters of one source: envelope, reason, attempts and payload (they are not consumed).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SOURCE", description = "a queue (or its DLQ), a dead-letter topic (*.dlt) or 'outbox', as 'list' names them")
        String source;
        @Option(names = "--max", defaultValue = "20", description = "at most this many (default ${DEFAULT-VALUE})")
        int max;

        @Override
        public Integer call() throws Exception {
            var letters = parent.withConsole((console, tasks) -> console.show(source, max)).orElseThrow(() -> unknown(source));
            spec.commandLine().getOut().println(JSON.writeValueAsString(letters));
            return 0;
        }
    }

    @Command(name = "redrive", aliases = "replay", description = "Send the letters back where they failed, eventId and trace intact.")
    static final class Redrive implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SOURCE", description = "a queue (or its DLQ), a dead-letter topic (*.dlt) or 'outbox'")
        String source;
        @Option(names = "--to", description = "for a task queue: another queue to send them to (default: the source queue)")
        String to;

        @Override
        public Integer call() {
            if (to == null) {
                long moved = parent.withConsole((console, tasks) -> console.replay(source)).orElseThrow(() -> unknown(source));
                spec.commandLine().getOut().printf("sent %d letter(s) of %s back where they failed%n", moved, source);
                return 0;
            }
            QueueSpec<?> from = queue(source);
            QueueSpec<?> destination = queue(to);
            if (!destination.taskType().equals(from.taskType())) {
                throw new IllegalArgumentException("--to: " + destination.name() + " carries " + destination.taskType().name()
                        + " tasks, " + from.name() + "'s dead letters are " + from.taskType().name());
            }
            var result = parent.withConsole((console, tasks) -> tasks.redrive(from, destination));
            spec.commandLine().getOut().printf("moved %d task(s) from the dead letters of %s to %s by %s%n", result.moved(), from.name(),
                    destination.name(), result.method());
            return 0;
        }
    }

    @Command(name = "purge", description = "Delete every letter of a source for good.")
    static final class Purge implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SOURCE", description = "a queue (or its DLQ), a dead-letter topic (*.dlt) or 'outbox'")
        String source;
        @Option(names = "--yes", description = "confirm: the letters are gone for good")
        boolean yes;

        @Override
        public Integer call() {
            if (!yes) {
                spec.commandLine().getErr().println("purging deletes every dead letter of " + source + " for good; add --yes to do it");
                return 2;
            }
            long purged = parent.withConsole((console, tasks) -> console.purge(source)).orElseThrow(() -> unknown(source));
            spec.commandLine().getOut().printf("purged %d dead letter(s) of %s%n", purged, source);
            return 0;
        }
    }
}
