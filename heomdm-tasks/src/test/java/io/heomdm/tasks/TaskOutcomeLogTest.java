package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.LogPosition;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskQueues;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class TaskOutcomeLogTest {
    final AtomicBoolean logUp = new AtomicBoolean(false);
    final AtomicInteger publishes = new AtomicInteger();
    final EventPublisher log = new EventPublisher() {
        @Override
        public CompletableFuture<LogPosition> publish(TopicSpec topic, Envelope envelope, byte[] payload) {
            publishes.incrementAndGet();
            return logUp.get() ? CompletableFuture.completedFuture(new LogPosition(topic.name(), 0, 0))
                    : CompletableFuture.failedFuture(new NotEnoughReplicasException("1 in sync, 2 required"));
        }

        @Override
        public CompletableFuture<LogPosition> delete(TopicSpec topic, String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    };

    @Test
    void aLogThatKeepsRefusingOutcomesHoldsTheWorkersOffUntilItsProbeFindsItTakingWritesAgain() throws Exception {
        var outcomes = new TaskOutcomeLog(null, log, TaskOutcomeLog.dependency(logUp::get), InstantSource.system());
        var task = task();
        assertThat(outcomes.admit(10)).isEqualTo(10);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> outcomes.publishFailed("billing", TaskQueues.BILLING, task, "boom")).isInstanceOf(ExecutionException.class);
        }
        assertThat(outcomes.down()).as("five refusals in a row open the breaker").isTrue();
        assertThat(outcomes.admit(10)).as("while the probe finds the log refusing, no worker receives").isZero();
        assertThatThrownBy(() -> outcomes.publishFailed("billing", TaskQueues.BILLING, task, "boom")).isInstanceOf(Dependency.Down.class);
        assertThat(publishes).as("an open breaker does not call the log").hasValue(5);

        logUp.set(true);
        // the probe is due again within PROBE_EVERY; until then the workers are still held off
        var admitted = new AtomicInteger();
        await().atMost(Dependency.PROBE_EVERY.multipliedBy(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> admitted.addAndGet(outcomes.admit(10)) != 0);
        assertThat(admitted).as("the log back: one task is the trial").hasValue(1);
        assertThat(outcomes.admit(10)).as("the trial went to one worker only").isZero();
        outcomes.publishFailed("billing", TaskQueues.BILLING, task, "boom");
        assertThat(outcomes.down()).isFalse();
        assertThat(outcomes.admit(10)).isEqualTo(10);
    }

    @Test
    void onlyALogThatIsAwayCountsAgainstIt() {
        assertThat(TaskOutcomeLog.logAway(new TimeoutException())).isTrue();
        assertThat(TaskOutcomeLog.logAway(new ExecutionException(new NotEnoughReplicasException("x")))).isTrue();
        assertThat(TaskOutcomeLog.logAway(new ExecutionException(new org.apache.kafka.common.errors.TimeoutException("x")))).isTrue();
        assertThat(TaskOutcomeLog.logAway(new ExecutionException(new RecordTooLargeException("x")))).as("this record refused, not the log down")
                .isFalse();
    }

    private static ReceivedTask<RecordBillingCharge> task() {
        var id = UUID.randomUUID();
        var charge = RecordBillingCharge.newBuilder().setChargeId("c-1").setAccountId("acct-1").setAmount(new BigDecimal("1.00"))
                .setCurrency("EUR").setDescription("usage").build();
        return new ReceivedTask<>(new Event<>(new Envelope(id, "RecordBillingCharge", 1, "acct-1", Instant.now(), id.toString(), null, null), charge),
                1);
    }
}
