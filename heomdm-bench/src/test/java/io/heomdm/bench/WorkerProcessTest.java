package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.taskqueue.SqsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerProcessTest {
    @Test
    void aWorkerProcessGetsTheRunsSettingsWithItsSecretsInItsEnvironmentNotOnItsCommandLine() {
        var sqs = new SqsSettings(Optional.of(URI.create("http://127.0.0.1:9324")), "us-east-1", Optional.of("AKIDEXAMPLE"), Optional.of("s3cr3t"));
        var servers = new Harness.Servers("k:9092", Map.of("compression.type", "none", "sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"pw-secret\";"), (short) 3, 2, sqs,
                () -> Duration.ZERO, () -> Duration.ZERO);
        var spec = new WorkerProcess.Spec(Transports.TaskTransport.SQS, "run1", servers, 12, 10, Duration.ofMillis(50));

        var parsed = WorkerProcess.Spec.parse(spec.args().toArray(String[]::new), spec.environment());

        assertThat(String.join(" ", spec.args())).as("the command line, which ps shows anyone").doesNotContain("pw-secret", "s3cr3t", "AKIDEXAMPLE");

        assertThat(parsed.servers().kafkaProperties()).isEqualTo(servers.kafkaProperties());
        assertThat(parsed.servers().sqs()).isEqualTo(sqs);
        assertThat(parsed.servers().replication()).isEqualTo((short) 3);
        assertThat(parsed.taskLatency()).isEqualTo(Duration.ofMillis(50));
    }
}
