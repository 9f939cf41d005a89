package io.heomdm.app;

import io.heomdm.archive.ArchiveDataflows;
import io.heomdm.archive.ArchiveFiles;
import io.heomdm.archive.ArchiveRestore;
import io.heomdm.archive.ArchiveStore;
import io.heomdm.app.catalog.PlatformDataflows;
import io.heomdm.eventlog.ParkedRecords;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code heomdm archive}: what the audit archive holds, and bringing it back into Kafka. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "The audit archive (archive.* in the configuration): every record of the market topics, task outcomes included, in Avro "
                + "files per topic and hour, in a directory or an S3 bucket. Uses the same configuration as 'up'.",
        subcommands = {ArchiveCommand.Status.class, ArchiveCommand.Restore.class})
final class ArchiveCommand {
    @Option(names = "--config", description = "YAML configuration file", scope = picocli.CommandLine.ScopeType.INHERIT)
    Path config;

    HeomdmConfig config() {
        return ConfigLoader.load(Optional.ofNullable(config), System.getenv());
    }

    @Command(name = "status", description = "Per topic and partition: the archive's checkpoint against the end of the log, and how far behind it is.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ArchiveCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var cfg = parent.config();
            PrintWriter out = spec.commandLine().getOut();
            try (ArchiveStore store = Settings.archiveStore(cfg); Admin admin = Settings.admin(Settings.kafka(cfg, Settings.kafkaBootstrap(cfg)))) {
                out.println("archive: " + store.describe());
                out.printf("%-28s %9s %14s %14s %12s%n", "topic", "partition", "archived to", "log end", "behind");
                for (TopicSpec topic : ArchiveDataflows.TOPICS) {
                    var ends = ParkedRecords.await(admin.listOffsets(partitions(topic).stream().collect(java.util.stream.Collectors.toMap(tp -> tp,
                            tp -> OffsetSpec.latest()))).all().toCompletionStage().toCompletableFuture(), "read the end of " + topic.name());
                    for (var tp : partitions(topic)) {
                        String key = ArchiveFiles.checkpointKey(tp.topic(), tp.partition());
                        long archived = store.read(key).map(b -> ArchiveFiles.checkpoint(key, b)).orElse(0L);
                        long end = ends.get(tp).offset();
                        // behind counts offsets: transaction markers and compacted records among them are not records to archive
                        out.printf("%-28s %9d %,14d %,14d %,12d%n", tp.topic(), tp.partition(), archived, end, Math.max(0, end - archived));
                    }
                }
            }
            return 0;
        }

        private static List<TopicPartition> partitions(TopicSpec topic) {
            return java.util.stream.IntStream.range(0, topic.partitions()).mapToObj(p -> new TopicPartition(topic.name(), p)).toList();
        }
    }

    @Command(name = "restore", description = "Write the archived records stamped in [--from, --to), of --type and --topic where given, to --to-topic: "
            + "each with its key, timestamp and headers (its eventId among them), so readers that deduplicate count an event they saw once. "
            + "Shows progress; --dry-run only counts.")
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        ArchiveCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--from", paramLabel = "INSTANT", description = "records stamped at or after this time (ISO-8601, e.g. 2026-12-01T00:00:00Z)")
        Instant from;
        @Option(names = "--to", paramLabel = "INSTANT", description = "records stamped before this time")
        Instant to;
        @Option(names = "--type", description = "only events of this type (its name, any version), e.g. OrderPlaced")
        String type;
        @Option(names = "--topic", description = "only this archived topic (repeatable; default: every archived topic)")
        List<String> topics;
        @Option(names = "--to-topic", required = true, description = "the topic to write to: a platform topic that carries the types restored, "
                + "or a new one, made like the first archived topic")
        String toTopic;
        @Option(names = "--dry-run", description = "count what would be restored, write nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            if (!EventReplays.writableTarget(toTopic)) {
                throw new IllegalArgumentException("--to-topic: " + EventReplays.TARGET_RULE);
            }
            var cfg = parent.config();
            var kafka = Settings.kafka(cfg, Settings.kafkaBootstrap(cfg));
            List<String> archived = ArchiveDataflows.TOPICS.stream().map(TopicSpec::name).toList();
            List<String> chosen = topics == null ? archived : topics;
            chosen.stream().filter(t -> !archived.contains(t)).findFirst().ifPresent(t -> {
                throw new IllegalArgumentException("--topic: " + t + " is not archived; the archived topics are " + String.join(", ", archived));
            });
            var selection = new ArchiveRestore.Selection(chosen, Optional.ofNullable(from), Optional.ofNullable(to), Optional.ofNullable(type));
            List<TopicSpec> sources = ArchiveDataflows.TOPICS.stream().filter(t -> chosen.contains(t.name())).toList();
            List<EventType<?>> restored = sources.stream().flatMap(t -> t.types().stream()).filter(t -> type == null || t.name().equals(type)).toList();
            if (restored.isEmpty()) {
                throw new IllegalArgumentException("--type: no archived topic chosen carries " + type);
            }
            TopicSpec target = PlatformDataflows.topics().get(toTopic);
            if (target != null) {
                // a platform topic takes only what its readers understand
                var refused = restored.stream().map(EventType::name).filter(t -> !target.carries(t)).distinct().toList();
                if (!refused.isEmpty()) {
                    throw new IllegalArgumentException("--to-topic: " + toTopic + " does not carry " + String.join(", ", refused)
                            + "; choose a --type it carries or another topic");
                }
            } else if (!dryRun) {
                // a new topic is made like the first source, so each key lands in one partition as it did there
                TopicSpec like = sources.get(0);
                TopicAdmin.ensure(kafka, List.of(new TopicSpec(toTopic, like.keyMeaning(), restored, like.partitions(), like.cleanup(), like.retention())));
            }
            PrintWriter out = spec.commandLine().getOut();
            var progress = new ProgressLine(out);
            try (ArchiveStore store = Settings.archiveStore(cfg)) {
                var result = ArchiveRestore.restore(store, selection, kafka, toTopic, dryRun, (read, files, selected) -> progress.show(
                        ProgressLine.bar("restore", read == files ? "DONE" : "READING", read, files, "files", progress.elapsed())
                                + String.format("  %,d selected", selected), read == files));
                out.printf("%s: %,d files, %,d records read, %,d selected, %,d written to %s in %.1f s%n", store.describe(), result.files(),
                        result.scanned(), result.selected(), result.written(), dryRun ? "(dry run)" : toTopic,
                        progress.elapsed().toMillis() / 1e3);
            }
            return 0;
        }
    }
}
