package io.heomdm.taskqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LastTryTest {
    static final QueueSpec<RecordBillingCharge> QUEUE = new QueueSpec<>("billing.fifo", EventCatalog.RECORD_BILLING_CHARGE, true, Duration.ofSeconds(30), 3);

    /** A handler that records what it told, and whose services are down when {@code outage}. */
    static final class Handler implements TaskHandler<RecordBillingCharge> {
        final List<String> told = new ArrayList<>();
        boolean outage;

        @Override
        public TaskResult handle(ReceivedTask<RecordBillingCharge> task) {
            return TaskResult.retry("database down");
        }

        @Override
        public void exhausted(ReceivedTask<RecordBillingCharge> task, String lastError) {
            told.add(lastError);
        }

        @Override
        public boolean outage() {
            return outage;
        }
    }

    static ReceivedTask<RecordBillingCharge> received(int receiveCount) {
        var charge = RecordBillingCharge.newBuilder().setChargeId("ch-1").setAccountId("acct-1").setAmount(BigDecimal.ONE).setCurrency("EUR")
                .setDescription("usage").build();
        return new ReceivedTask<>(new Event<>(new Envelope(UUID.randomUUID(), "RecordBillingCharge", 1, "acct-1", Instant.EPOCH, null, null, null),
                charge), receiveCount);
    }

    @Test
    void aFailureBeforeTheLastTryIsRetriedAndTheLastIsToldThenParked() {
        var handler = new Handler();
        assertThat(LastTry.settle(QUEUE, handler, received(2), TaskResult.retry("x"))).isInstanceOf(TaskResult.Retry.class);
        assertThat(LastTry.settle(QUEUE, handler, received(3), TaskResult.retry("database down"))).isInstanceOf(TaskResult.Poison.class);
        assertThat(handler.told).containsExactly("database down");
    }

    @Test
    void aLastTryThatFailedWhileAServiceTheHandlerNeedsIsDownIsNotTheTasksLast() {
        var handler = new Handler();
        handler.outage = true; // its circuit breaker is open
        assertThat(LastTry.settle(QUEUE, handler, received(3), TaskResult.retry("database down"))).isInstanceOf(TaskResult.Retry.class);
        assertThat(handler.told).isEmpty();
    }

    @Test
    void aLastTryThatFailedOnAnOutageIsNotTheTasksLastThoughTheBreakerHasNotOpenedYet() {
        var handler = new Handler();
        assertThat(LastTry.settle(QUEUE, handler, received(3), TaskResult.outage("database unreachable"))).isInstanceOf(TaskResult.Retry.class);
        assertThat(handler.told).isEmpty();
    }
}
