package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heomdm bench platform --quick}, as CI runs it: the real platform with every service on,
 * fed at each quick rate; every service took in every event, and the report, CSV, JSON and charts
 * are written.
 */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
class PlatformBenchIT {
    @TempDir
    Path dir;

    @Test
    void everyServiceTakesInEveryEventAndTheReportIsWritten() throws Exception {
        Path out = dir.resolve("report");
        int code = Heomdm.commandLine().execute("bench", "platform", "--quick", "--out", out.toString());
        assertThat(code).isZero();

        JsonNode result = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(result.get("caughtUp").asBoolean()).as("every consumer group caught up with the whole log at the end").isTrue();
        long activity = result.get("activity").asLong();
        JsonNode takenIn = result.get("takenIn");
        for (String service : List.of("customers", "demand", "decisions", "campaigns", "order-confirmation")) {
            // a caught-up group's committed offset is the partition's end, or one short of it (a transaction's marker); 12 partitions
            assertThat(takenIn.path(service).asLong()).as(service + " took in every event of market.activity.v1 (%d offsets)", activity)
                    .isBetween(activity - 12, activity);
        }
        var quick = PlatformThroughput.Plan.quick();
        List<String[]> rows = Files.readAllLines(out.resolve("platform.csv")).stream().skip(1).map(l -> l.split(",")).toList();
        assertThat(rows).extracting(r -> Integer.parseInt(r[0])).containsExactlyElementsOf(quick.rates());
        assertThat(rows).allSatisfy(r -> assertThat(Double.parseDouble(r[2])).as("delivered at " + r[0]).isGreaterThan(0.9 * Integer.parseInt(r[0])));
        JsonNode first = result.get("steps").get(0);
        assertThat(first.get("latency").get("score or segment").get("count").asLong()).as("effects seen on the output topics").isPositive();
        assertThat(first.get("cores").get("customers").asDouble()).as("CPU attributed to the customers application").isPositive();
        assertThat(result.get("limits").get("streams").asDouble()).as("the Streams ceiling").isPositive();
        long marketRecords = 0;
        for (var topic = first.get("written").fields(); topic.hasNext(); ) {
            var t = topic.next();
            marketRecords += t.getKey().startsWith("market.") ? t.getValue().get("records").asLong() : 0;
        }
        assertThat(marketRecords).as("the events themselves (each on its market topic), in what was written to Kafka")
                .isGreaterThanOrEqualTo(first.get("accepted").asLong());
        assertThat(first.get("written").get("market.activity.v1").get("bytes").asLong()).isPositive();
        assertThat(first.get("brokerRequests").get("Produce").asDouble()).as("the broker's produce requests per second").isPositive();
        assertThat(Files.readString(out.resolve("report.md"))).contains("Maximum sustainable rate", "Ceilings in the same run", "CPU per service",
                "Written to Kafka per event delivered", "The broker's requests");
        assertThat(out.resolve("lag.png")).isNotEmptyFile();
        assertThat(out.resolve("cpu.png")).isNotEmptyFile();
    }
}
