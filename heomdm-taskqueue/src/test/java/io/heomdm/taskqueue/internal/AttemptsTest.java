package io.heomdm.taskqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class AttemptsTest {
    static Message received(String id, int receiveCount) {
        return Message.builder().messageId(id).attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, String.valueOf(receiveCount)))
                .build();
    }

    @Test
    void onAStandardQueueAnAttemptIsSqssReceiveCount() {
        var attempts = new Attempts(false);
        assertThat(attempts.begin(received("m", 4))).isEqualTo(4);
        assertThat(attempts.made(received("m", 4))).isEqualTo(4);
    }

    @Test
    void onAFifoQueueOnlyTheWorkersOwnTriesCountNotTheReceivesBehindAFailingMessage() {
        var attempts = new Attempts(true);
        // received 7 times, 5 of them given back untried behind a failing message of its group
        assertThat(attempts.begin(received("m", 6))).isEqualTo(1);
        assertThat(attempts.begin(received("m", 7))).isEqualTo(2);
        assertThat(attempts.made(received("m", 7))).isEqualTo(2);
        assertThat(attempts.begin(received("other", 1))).isEqualTo(1);
        attempts.settled(received("m", 7));
        assertThat(attempts.made(received("m", 8))).as("settled: forgotten").isEqualTo(1);
    }

    @Test
    void theCountsAreBoundedAndForgettingOnlyGrantsAttempts() {
        var attempts = new Attempts(true);
        attempts.begin(received("m0", 1));
        attempts.begin(received("m0", 2));
        for (int i = 1; i <= Attempts.MAX_COUNTED; i++) {
            attempts.begin(received("m" + i, 1));
        }
        assertThat(attempts.made(received("m0", 2))).isEqualTo(2);
        // past the bound every count is dropped before the next is taken: m0's third try counts as a first
        assertThat(attempts.begin(received("m0", 3))).isEqualTo(1);
    }
}
