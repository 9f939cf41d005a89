package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same end-to-end checks with {@code tasks.transport: kafka-share}: task queues on Kafka share groups, no SQS. */
class PlatformOnShareGroupsIT extends PlatformIT {
    @Override
    Map<String, String> settings() {
        return Map.of("HEOMDM_TASKS_TRANSPORT", "kafka-share");
    }

    @Test
    void noSqsServerIsStarted() {
        assertThat(platform.sqsEndpoint()).isNull();
    }
}
