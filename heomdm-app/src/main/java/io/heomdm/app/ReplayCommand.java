package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heomdm replay}: working with the log of a running platform, through its API (so that every
 * action is checked, authorised and audited there), following the job until it is done.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Rebuild a service's state from the event log, or copy events to a topic.",
        subcommands = {ReplayCommand.Rebuild.class, ReplayCommand.Events.class})
final class ReplayCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What both subcommands share: where the API is, the admin key, and following a job to its end. */
    abstract static class ApiJob implements Callable<Integer> {
        @Option(names = "--target", defaultValue = "http://127.0.0.1:8080", description = "the gateway's base URL (default ${DEFAULT-VALUE})")
        String target;

        @Option(names = "--config", description = "YAML configuration file (where data/admin.key is)")
        Path config;

        @Spec
        CommandSpec spec;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private String key;

        /** One request to the API with the admin key. */
        HttpResponse<String> send(String method, String path, String body) throws Exception {
            if (key == null) {
                key = Edge.commandLineKey(Optional.ofNullable(config), "an admin key");
            }
            var request = HttpRequest.newBuilder(URI.create(target + path)).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /**
         * Polls {@code path} until the job's state is final, drawing its progress (in place on a
         * terminal; into a file or a pipe, a line every 5 s). Returns the last status.
         */
        JsonNode follow(JsonNode status, String path, java.util.function.BiFunction<JsonNode, Duration, String> line) throws Exception {
            var progress = new ProgressLine(spec.commandLine().getOut());
            while (!finished(status)) {
                progress.show(line.apply(status, progress.elapsed()), false);
                Thread.sleep(500);
                var answer = send("GET", path, null);
                if (answer.statusCode() == 200) {
                    status = JSON.readTree(answer.body());
                }
            }
            progress.show(line.apply(status, progress.elapsed()), true);
            return status;
        }

        int refused(String what, HttpResponse<String> answer) {
            spec.commandLine().getErr().println("heomdm: " + what + " did not start (" + answer.statusCode() + "): " + detail(answer.body()));
            return 1;
        }

        int failed(String what, JsonNode status) {
            spec.commandLine().getErr().println("heomdm: " + what + " failed: " + status.path("error").asText());
            return 1;
        }

        private static boolean finished(JsonNode status) {
            String state = status.path("state").asText();
            return state.equals("DONE") || state.equals("FAILED");
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Reset a service's Streams application (its offsets to the beginning or to --from, its internal topics and local "
                    + "state gone) and follow it to the end of the log. The rest of the platform runs on; the service's queries answer 503 "
                    + "until it has caught up. Needs an admin key (HEOMDM_API_KEY, or data/admin.key).")
    static final class Rebuild extends ApiJob {
        @Parameters(paramLabel = "SERVICE", description = "customers, demand, decisions, campaigns or reports")
        String service;

        @Option(names = "--from", paramLabel = "INSTANT", description = "read the inputs from this time (ISO-8601, e.g. 2026-12-01T00:00:00Z)")
        Instant from;

        @Override
        public Integer call() throws Exception {
            String path = "/v1/replay/rebuilds/" + URLEncoder.encode(service, StandardCharsets.UTF_8);
            String query = from == null ? "" : "?from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8);
            var started = send("POST", path + query, null);
            if (started.statusCode() != 202) {
                return refused("the rebuild", started);
            }
            long began = System.nanoTime();
            JsonNode status = follow(JSON.readTree(started.body()), path, (s, t) -> bar(s.path("service").asText(), s.path("state").asText(),
                    s.path("done").asLong(), s.path("records").asLong(), t));
            if (status.path("state").asText().equals("FAILED")) {
                return failed("rebuilding " + service, status);
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            long records = status.path("records").asLong();
            spec.commandLine().getOut().printf("rebuilt %s: %,d records in %.1f s (%,.0f records/s)%n", service, records, seconds,
                    records / Math.max(0.001, seconds));
            return 0;
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
            description = "Copy the events of a topic written in [--from, --to), with --key and of --type where given, to --to-topic: each with "
                    + "its key, timestamp and headers, its original eventId among them. Needs an admin key.")
    static final class Events extends ApiJob {
        @Option(names = "--topic", required = true, description = "a platform topic (docs/catalog.md lists them)")
        String topic;

        @Option(names = "--to-topic", required = true, description = "where the copies go: a platform topic that carries their types, or a new one")
        String toTopic;

        @Option(names = "--from", paramLabel = "INSTANT", description = "events written at or after this time")
        Instant from;

        @Option(names = "--to", paramLabel = "INSTANT", description = "events written before this time")
        Instant to;

        @Option(names = "--key", description = "only events with this key")
        String key;

        @Option(names = "--type", description = "only events of this type, e.g. OrderPlaced")
        String type;

        @Option(names = "--dry-run", description = "count what would be copied; write nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("topic", topic).put("toTopic", toTopic).put("dryRun", dryRun);
            Optional.ofNullable(from).ifPresent(f -> body.put("from", f.toString()));
            Optional.ofNullable(to).ifPresent(t -> body.put("to", t.toString()));
            Optional.ofNullable(key).ifPresent(k -> body.put("key", k));
            Optional.ofNullable(type).ifPresent(t -> body.put("type", t));
            var started = send("POST", "/v1/replay/copies", body.toString());
            if (started.statusCode() != 202) {
                return refused("the copy", started);
            }
            JsonNode first = JSON.readTree(started.body());
            JsonNode status = follow(first, "/v1/replay/copies/" + first.path("id").asText(), (s, t) -> bar(topic, s.path("state").asText(),
                    s.path("scanned").asLong(), s.path("total").asLong(), t));
            if (status.path("state").asText().equals("FAILED")) {
                return failed("copying " + topic, status);
            }
            spec.commandLine().getOut().printf("%s: %,d of %,d events selected, %,d written to %s%s%n", topic, status.path("selected").asLong(),
                    status.path("scanned").asLong(), status.path("written").asLong(), toTopic, dryRun ? " (dry run: nothing written)" : "");
            return 0;
        }
    }

    static String bar(String what, String state, long done, long of, Duration elapsed) {
        return ProgressLine.bar(what, state, done, of, "records", elapsed);
    }

    private static String detail(String body) {
        try {
            JsonNode problem = JSON.readTree(body);
            String detail = problem.path("detail").asText(body);
            var errors = problem.path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                var fields = new StringBuilder();
                errors.forEach(e -> fields.append("; ").append(e.path("field").asText()).append(' ').append(e.path("rule").asText()));
                return detail + fields;
            }
            return detail;
        } catch (Exception e) {
            return body;
        }
    }
}
