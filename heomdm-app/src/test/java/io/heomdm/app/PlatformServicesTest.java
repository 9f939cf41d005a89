package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformServicesTest {
    @Test
    void threadsAreCountedForTheServiceTheyWorkFor() {
        // names as a thread dump of `heomdm up` shows them
        Map<String, String> threads = Map.ofEntries(
                Map.entry("heomdm-analytics-demand-5d844da4-d93a-4336-91df-605f13e15b0c-StreamThread-1", "demand"),
                Map.entry("kafka-producer-network-thread | heomdm-analytics-5d844da4-d93a-4336-91df-605f13e15b0c-StreamThread-1-producer", "customers"),
                Map.entry("heomdm-decisions-5d844da4-d93a-4336-91df-605f13e15b0c-StreamThread-1", "decisions"),
                Map.entry("heomdm-campaigns-5d844da4-d93a-4336-91df-605f13e15b0c-GlobalStreamThread", "campaigns"),
                Map.entry("data-plane-kafka-request-handler-3", "Kafka broker"),
                Map.entry("group-coordinator-event-processor-1", "Kafka broker"),
                Map.entry("kafka-coordinator-heartbeat-thread | decisions.order-confirmation", "subscribers"),
                Map.entry("share-worker-notifications-1-4", "task workers"),
                Map.entry("receiver-billing.fifo-1", "task workers"),
                Map.entry("elasticmq-pekko.actor.default-dispatcher-5", "SQS server"),
                Map.entry("qtp1513712028-45", "gateway"),
                Map.entry("C2 CompilerThre", "JIT compilers"),
                Map.entry("G1 Conc#0", "GC and VM"),
                Map.entry("kafka-admin-client-thread | adminclient-1", "bench"));
        threads.forEach((thread, service) -> assertThat(PlatformServices.serviceOf(thread)).as(thread).isEqualTo(service));
    }

    @Test
    void theBenchRefusesARateOrStepOfZeroAndANegativeBacklog() {
        var err = new java.io.StringWriter();
        for (String[] args : new String[][] {{"--rates", "1000,0"}, {"--step", "0"}, {"--backlog", "-1"}}) {
            var line = Heomdm.commandLine();
            line.setErr(new java.io.PrintWriter(err));
            String[] command = java.util.stream.Stream.concat(java.util.stream.Stream.of("bench", "platform", "--no-ceilings"), java.util.Arrays.stream(args))
                    .toArray(String[]::new);
            assertThat(line.execute(command)).as(String.join(" ", args)).isEqualTo(picocli.CommandLine.ExitCode.USAGE);
        }
        assertThat(err.toString()).contains("--rates and --step must be positive and --backlog at least 0");
    }

    @Test
    void theSoakRefusesAPeriodOfZeroOrANegativeInstanceKill() {
        var err = new java.io.StringWriter();
        for (String[] args : new String[][] {{"--minutes", "0"}, {"--rate", "-5"}, {"--kill-every", "0"}, {"--instance-kill-every", "-1"}}) {
            var line = Heomdm.commandLine();
            line.setErr(new java.io.PrintWriter(err));
            String[] command = java.util.stream.Stream.concat(java.util.stream.Stream.of("bench", "soak"), java.util.Arrays.stream(args))
                    .toArray(String[]::new);
            assertThat(line.execute(command)).as(String.join(" ", args)).isEqualTo(picocli.CommandLine.ExitCode.USAGE);
        }
        assertThat(err.toString()).contains("--minutes, --rate and --kill-every must be positive, --instance-kill-every 0 or more");
    }
}
