package io.heomdm.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.schema.CampaignTerms;
import io.heomdm.events.schema.ChargeKind;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.heomdm.storage.Outbox;
import io.heomdm.storage.OutboxRelay;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.TaskQueues;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher and the budget saga on a real (H2) database, the outbox read back through the relay. */
class CampaignDispatchIT {
    static final Instant DAY_1 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant DAY_2 = DAY_1.plus(Duration.ofDays(1));
    Database database;

    @BeforeEach
    void open(@TempDir Path dir) {
        var h2 = EmbeddedDatabase.inDirectory(dir);
        database = Database.open(new DatabaseSettings(h2.jdbcUrl(), h2.user(), h2.password(), 4));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aBilledCampaignIsCappedPerDayHeldPerMessageCapturedOnDeliveryReleasedOnFailureAndStoppedWhenItsBudgetIsSpent() {
        var terms = new CampaignTerms("spring", "acct-7", 2, new BigDecimal("0.02"));
        List<Event<SpecificRecord>> decisions = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            decisions.add(decision("c-" + i, terms));
        }
        decisions.forEach(dispatcher(DAY_1)::handle);
        dispatcher(DAY_1).handle(decisions.get(0));                          // read twice: a restart before the offset commit

        var deliveries = new CampaignDeliveries(database);
        assertThat(deliveries.stats("spring").outcomes()).isEqualTo(Map.of("SENT", 2L, "DEFERRED", 2L));
        assertThat(deliveries.forCustomer("c-3", 5).get(0).reason()).isEqualTo("daily-cap: 2 per day");
        assertThat(deliveries.forCustomer("c-3", 5).get(0).deferredUntil()).isEqualTo(DAY_2);

        List<Outbox.Entry> day1 = relay(DAY_1);
        assertThat(day1).filteredOn(e -> e.destination().equals(Outbox.queue(TaskQueues.NOTIFICATIONS.name())))
                .extracting(e -> e.event().envelope().eventId()).containsExactlyInAnyOrder(id(decisions.get(0)), id(decisions.get(1)));
        assertThat(day1).filteredOn(e -> e.destination().equals(Outbox.queue(TaskQueues.BILLING.name())))
                .extracting(e -> ((RecordBillingCharge) e.event().payload()).getKind(), e -> ((RecordBillingCharge) e.event().payload()).getAmount())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChargeKind.HOLD, new BigDecimal("0.01")),
                        org.assertj.core.groups.Tuple.tuple(ChargeKind.HOLD, new BigDecimal("0.01")));
        assertThat(day1).as("the capped ones wait for tomorrow").noneMatch(e -> e.destination().startsWith("topic:"));
        var task = (SendNotification) day1.get(day1.size() - 1).event().payload();
        assertThat(task.getVariables()).doesNotContainKeys("budget", "dailyCap", "accountId");

        // the first is delivered, the second bounces: one captured, one released, each once
        var saga = new BudgetSaga(new ProcessedMessages(database, InstantSource.fixed(DAY_1)), InstantSource.fixed(DAY_1));
        var delivered = outcome(new TaskCompleted(id(decisions.get(0)).toString(), "SendNotification", "notifications", 1, null));
        saga.handle(delivered);
        saga.handle(delivered);
        saga.handle(outcome(new TaskFailed(id(decisions.get(1)).toString(), "SendNotification", "notifications", 1, "bounce: 550", true, "c-2")));
        assertThat(relay(DAY_1)).extracting(e -> ((RecordBillingCharge) e.event().payload()).getKind(),
                e -> ((RecordBillingCharge) e.event().payload()).getHoldId())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChargeKind.CAPTURE, "hold:" + id(decisions.get(0))),
                        org.assertj.core.groups.Tuple.tuple(ChargeKind.RELEASE, "hold:" + id(decisions.get(1))));
        var budget = new CampaignBudgets(database).find("spring", DAY_1).orElseThrow();
        assertThat(budget.spent()).isEqualByComparingTo("0.01");
        assertThat(budget.reserved()).isEqualByComparingTo("0.00");

        // the next day the two deferred decisions come back: one fits the 0.01 left, the other finds the budget spent
        List<Outbox.Entry> day2 = relay(DAY_2);
        assertThat(day2).hasSize(2).allMatch(e -> e.topicName().equals(CampaignsTopics.DELIVERIES.name()));
        day2.forEach(e -> dispatcher(DAY_2).handle(e.event()));
        assertThat(deliveries.stats("spring").outcomes()).isEqualTo(Map.of("SENT", 3L, "DEFERRED", 2L, "SUPPRESSED", 1L));
        assertThat(deliveries.stats("spring").reasons()).containsEntry("budget", 1L).containsEntry("daily-cap", 2L);
        assertThat(relay(DAY_2)).extracting(Outbox.Entry::destination)
                .containsExactlyInAnyOrder(Outbox.queue(TaskQueues.NOTIFICATIONS.name()), Outbox.queue(TaskQueues.BILLING.name()));
    }

    @Test
    void aJourneysMessageIsRecordedAndQueuedWithItsDeliveryIdAndASuppressedOneOnlyRecorded() {
        var sent = decision("j-1", null);
        dispatcher(DAY_1).handle(sent);
        var suppressed = new Event<SpecificRecord>(new Envelope(UUID.randomUUID(), "DeliveryDecided", 1, "j-2", DAY_1, "corr", null, null),
                builder("j-2", null).setOutcome(DeliveryOutcome.SUPPRESSED).setReason("consent: no marketing consent for email").build());
        dispatcher(DAY_1).handle(suppressed);
        List<Outbox.Entry> out = relay(DAY_1);
        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.queueName()).isEqualTo(TaskQueues.NOTIFICATIONS.name());
            assertThat(e.event().envelope().eventId()).isEqualTo(id(sent));
            assertThat(e.event().envelope().correlationId()).isEqualTo("corr");
        });
        assertThat(new CampaignDeliveries(database).stats("welcome").outcomes()).isEqualTo(Map.of("SENT", 1L, "SUPPRESSED", 1L));
    }

    private DeliveryDispatcher dispatcher(Instant now) {
        return new DeliveryDispatcher(new ProcessedMessages(database, InstantSource.fixed(now)), MessageCosts.defaults(), InstantSource.fixed(now));
    }

    /** Everything the outbox holds that is due, published to a list (and so deleted). */
    private List<Outbox.Entry> relay(Instant now) {
        List<Outbox.Entry> out = new ArrayList<>();
        new OutboxRelay(database, e -> {
            out.add(e);
            return CompletableFuture.completedFuture(null);
        }, InstantSource.fixed(now), Duration.ofSeconds(5)).relayDue();
        return out;
    }

    private static UUID id(Event<SpecificRecord> decision) {
        return UUID.fromString(((DeliveryDecided) decision.payload()).getDeliveryId());
    }

    private static Event<SpecificRecord> decision(String customer, CampaignTerms terms) {
        return new Event<>(new Envelope(UUID.randomUUID(), "DeliveryDecided", 1, customer, DAY_1, "corr", null, null),
                builder(customer, terms).setOutcome(DeliveryOutcome.SENT).build());
    }

    private static DeliveryDecided.Builder builder(String customer, CampaignTerms terms) {
        return DeliveryDecided.newBuilder().setDeliveryId(UUID.randomUUID().toString()).setCustomerId(customer)
                .setSource(terms == null ? "journey:welcome" : "campaign:" + terms.getCampaignId()).setStep("send").setChannel(Channel.EMAIL)
                .setTemplate("win-back").setRecipient(customer + "@example.com").setVariables(Map.of("customerId", customer)).setCampaign(terms);
    }

    private static Event<SpecificRecord> outcome(SpecificRecord payload) {
        return new Event<>(new Envelope(UUID.randomUUID(), payload.getSchema().getName(), 1, "k", DAY_1, null, null, null), payload);
    }
}
