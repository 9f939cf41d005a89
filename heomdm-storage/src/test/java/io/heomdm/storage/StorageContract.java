package io.heomdm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.storage.CustomerMessages.CustomerMessage;
import io.heomdm.storage.TaskOutcomes.TaskOutcome;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The same migrations and queries, checked against every database HEOMDM supports. */
abstract class StorageContract {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    abstract Database database();

    ProcessedMessages processed() {
        return new ProcessedMessages(database(), InstantSource.fixed(NOW));
    }

    @Test
    void aSideEffectRunsOncePerConsumerAndEvent() {
        UUID event = UUID.randomUUID();
        AtomicInteger effects = new AtomicInteger();
        assertThat(processed().runOnce("c1", event, c -> effects.incrementAndGet())).isEqualTo(ProcessedMessages.Outcome.DONE_NOW);
        assertThat(processed().runOnce("c1", event, c -> effects.incrementAndGet())).isEqualTo(ProcessedMessages.Outcome.ALREADY_DONE);
        assertThat(processed().runOnce("c2", event, c -> effects.incrementAndGet())).isEqualTo(ProcessedMessages.Outcome.DONE_NOW);
        assertThat(effects).hasValue(2);
        assertThat(processed().isProcessed("c1", event)).isTrue();
    }

    @Test
    void aFailedSideEffectLeavesNoMarkSoTheRetryRunsIt() {
        UUID event = UUID.randomUUID();
        UUID message = UUID.randomUUID();
        assertThatThrownBy(() -> processed().runOnce("c", event, c -> {
            CustomerMessages.insert(c, message(message, "cust-fail"));
            throw new IllegalStateException("SMTP down");
        })).hasMessageContaining("SMTP down");
        assertThat(processed().isProcessed("c", event)).isFalse();
        assertThat(new CustomerMessages(database()).forCustomer("cust-fail", 10)).isEmpty();
        assertThat(processed().runOnce("c", event, c -> {
            CustomerMessages.insert(c, message(message, "cust-fail"));
            return null;
        })).isEqualTo(ProcessedMessages.Outcome.DONE_NOW);
        assertThat(new CustomerMessages(database()).forCustomer("cust-fail", 10)).extracting(CustomerMessage::messageId).containsExactly(message);
    }

    @Test
    void concurrentDeliveriesOfOneEventRunItsSideEffectOnce() throws Exception {
        UUID event = UUID.randomUUID();
        AtomicInteger effects = new AtomicInteger();
        var pool = Executors.newFixedThreadPool(8);
        var go = new CountDownLatch(1);
        List<Future<ProcessedMessages.Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Callable<ProcessedMessages.Outcome> delivery = () -> {
                go.await();
                return processed().runOnce("race", event, c -> {
                    Thread.sleep(50);
                    return effects.incrementAndGet();
                });
            };
            results.add(pool.submit(delivery));
        }
        go.countDown();
        int done = 0;
        for (var r : results) {
            done += r.get() == ProcessedMessages.Outcome.DONE_NOW ? 1 : 0;
        }
        pool.shutdown();
        assertThat(done).isEqualTo(1);
        assertThat(effects).hasValue(1);
    }

    @Test
    void messagesAndOutcomesAreStoredAndReadBack() {
        UUID task = UUID.randomUUID();
        var outcome = new TaskOutcome(task, "notification", UUID.randomUUID(), "SendNotification", "notifications", "COMPLETED", 2,
                null, "corr", "cause", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NOW);
        database().inTransaction(c -> {
            TaskOutcomes.insert(c, outcome);
            CustomerMessages.insert(c, message(task, "cust-read"));
            CustomerMessages.insert(c, new CustomerMessage(UUID.randomUUID(), "cust-read", "EMAIL", "a@b.c", "t", "older", "SENT", null, null,
                    NOW.minus(1, ChronoUnit.HOURS)));
            return null;
        });
        assertThat(new TaskOutcomes(database()).find(task, "notification")).contains(outcome);
        assertThat(new CustomerMessages(database()).forCustomer("cust-read", 10)).extracting(CustomerMessage::subject)
                .containsExactly("subject", "older");
    }

    @Test
    void deliveryDecisionsAreStoredOnceAndCountedPerSource() {
        var deliveries = new CampaignDeliveries(database());
        String id = "contract-" + UUID.randomUUID();
        String source = "journey:" + id;
        UUID message = UUID.randomUUID();
        var deferred = new CampaignDeliveries.Delivery(UUID.randomUUID(), message, "cust-gate", source, "first", "EMAIL", "cart-reminder",
                "DEFERRED", "quiet-hours: 21:00-08:00 Asia/Tokyo", NOW.plus(9, ChronoUnit.HOURS), NOW);
        var sent = new CampaignDeliveries.Delivery(UUID.randomUUID(), message, "cust-gate", source, "first", "EMAIL", "cart-reminder",
                "SENT", null, null, NOW.plus(9, ChronoUnit.HOURS));
        var capped = new CampaignDeliveries.Delivery(UUID.randomUUID(), UUID.randomUUID(), "cust-other", source, "first", "EMAIL",
                "cart-reminder", "SUPPRESSED", "frequency-cap: 3 per 168 h", null, NOW);
        assertThat(deliveries.record(deferred)).isTrue();
        assertThat(deliveries.record(sent)).isTrue();
        assertThat(deliveries.record(capped)).isTrue();
        assertThat(deliveries.record(sent)).as("a redelivered decision").isFalse();
        assertThat(deliveries.forCustomer("cust-gate", 10)).containsExactly(sent, deferred);
        var stats = deliveries.stats(id);
        assertThat(stats.outcomes()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("DEFERRED", 1L, "SENT", 1L, "SUPPRESSED", 1L));
        assertThat(stats.reasons()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("quiet-hours", 1L, "frequency-cap", 1L));
        assertThat(deliveries.stats("none").outcomes()).isEmpty();
    }

    private static CustomerMessage message(UUID id, String customer) {
        return new CustomerMessage(id, customer, "EMAIL", "a@b.c", "order-confirmation", "subject", "SENT", "corr",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NOW);
    }
}
