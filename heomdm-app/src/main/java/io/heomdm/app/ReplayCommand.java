package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
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

/** {@code heomdm replay}: working with the log of a running platform, through its API. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Rebuild a service's state from the event log.",
        subcommands = {ReplayCommand.Rebuild.class})
final class ReplayCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Reset a service's Streams application (its offsets to the beginning or to --from, its internal topics and local "
                    + "state gone) and follow it to the end of the log. The rest of the platform runs on; the service's queries answer 503 "
                    + "until it has caught up. Needs an admin key (HEOMDM_API_KEY, or data/admin.key).")
    static final class Rebuild implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "customers, demand, decisions or campaigns")
        String service;

        @Option(names = "--from", paramLabel = "INSTANT", description = "read the inputs from this time (ISO-8601, e.g. 2026-12-01T00:00:00Z)")
        Instant from;

        @Option(names = "--target", defaultValue = "http://127.0.0.1:8080", description = "the gateway's base URL (default ${DEFAULT-VALUE})")
        String target;

        @Option(names = "--config", description = "YAML configuration file (where data/admin.key is)")
        Path config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            String key = Edge.commandLineKey(Optional.ofNullable(config), "an admin key");
            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String path = "/v1/replay/rebuilds/" + URLEncoder.encode(service, StandardCharsets.UTF_8);
            String query = from == null ? "" : "?from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8);
            var started = http.send(request(key, path + query).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 202) {
                spec.commandLine().getErr().println("heomdm: the rebuild did not start (" + started.statusCode() + "): " + detail(started.body()));
                return 1;
            }
            JsonNode status = JSON.readTree(started.body());
            long began = System.nanoTime();
            // on a terminal the bar is redrawn in place; into a file or a pipe, a line every 5 s
            boolean terminal = System.console() != null;
            long lastLine = 0;
            while (!status.path("state").asText().equals("DONE") && !status.path("state").asText().equals("FAILED")) {
                long now = System.nanoTime();
                if (terminal) {
                    out.print("\r" + bar(status, Duration.ofNanos(now - began)));
                } else if (now - lastLine >= Duration.ofSeconds(5).toNanos()) {
                    out.println(bar(status, Duration.ofNanos(now - began)));
                    lastLine = now;
                }
                out.flush();
                Thread.sleep(500);
                var answer = http.send(request(key, path).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    status = JSON.readTree(answer.body());
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            out.println((terminal ? "\r" : "") + bar(status, took));
            if (status.path("state").asText().equals("FAILED")) {
                spec.commandLine().getErr().println("heomdm: rebuilding " + service + " failed: " + status.path("error").asText());
                return 1;
            }
            long records = status.path("records").asLong();
            out.printf("rebuilt %s: %,d records in %.1f s (%,.0f records/s)%n", service, records, took.toMillis() / 1000.0,
                    records / Math.max(0.001, took.toMillis() / 1000.0));
            return 0;
        }

        private HttpRequest.Builder request(String key, String path) {
            return HttpRequest.newBuilder(URI.create(target + path)).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30));
        }
    }

    /** {@code customers  CATCHING_UP  [##########..........]  412,000 / 1,000,000 records  41%  12.3 s} */
    static String bar(JsonNode status, Duration elapsed) {
        long records = status.path("records").asLong();
        long done = status.path("done").asLong();
        double share = records == 0 ? (status.path("state").asText().equals("DONE") ? 1 : 0) : Math.min(1, done / (double) records);
        int filled = (int) Math.round(share * 30);
        return String.format("%s  %-11s [%s%s]  %,d / %,d records  %3.0f%%  %.1f s", status.path("service").asText(), status.path("state").asText(),
                "#".repeat(filled), ".".repeat(30 - filled), done, records, share * 100, elapsed.toMillis() / 1000.0);
    }

    private static String detail(String body) {
        try {
            return JSON.readTree(body).path("detail").asText(body);
        } catch (Exception e) {
            return body;
        }
    }
}
