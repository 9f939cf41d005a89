package io.heomdm.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventType;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductCatalogued;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import io.heomdm.events.schema.SegmentTrigger;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.storage.Database;
import io.heomdm.storage.ProcessedMessages;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The projector and the reports on a real database: a market with a client's retry and a replay of
 * a whole day (every event again, same eventIds), whose reports equal counts made directly over the events.
 */
abstract class ReportsContract {
    static final Instant DAY1 = Instant.parse("2026-11-02T09:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-11-03T23:59:00Z");
    static final LocalDate D1 = LocalDate.parse("2026-11-02");
    static final LocalDate D2 = LocalDate.parse("2026-11-03");

    abstract Database database();

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Event<SpecificRecord> event(EventType<T> type, String key, T payload, Instant at) {
        return (Event<SpecificRecord>) (Event<?>) new Event<>(new Envelope(UUID.randomUUID(), type.name(), type.version(), key, at, null, null, null),
                payload);
    }

    static OrderPlaced order(String customer, String... productQuantityPrice) {
        List<OrderLine> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < productQuantityPrice.length; i += 3) {
            var line = new OrderLine(productQuantityPrice[i], Integer.parseInt(productQuantityPrice[i + 1]), new BigDecimal(productQuantityPrice[i + 2]));
            lines.add(line);
            total = total.add(line.getUnitPrice().multiply(BigDecimal.valueOf(line.getQuantity())));
        }
        return OrderPlaced.newBuilder().setCustomerId(customer).setOrderId(UUID.randomUUID().toString()).setLines(lines).setTotal(total).build();
    }

    static DeliveryDecided delivery(String id, String source, DeliveryOutcome outcome) {
        return DeliveryDecided.newBuilder().setDeliveryId(id).setCustomerId("c").setSource(source).setStep("s").setChannel(Channel.EMAIL)
                .setTemplate("t").setOutcome(outcome).build();
    }

    @Test
    void aMarketWithARetryAndAReplayedDayReportsWhatADirectCountOverItsEventsGives() {
        var projector = new ReportProjector(new ProcessedMessages(database(), InstantSource.system()));
        String sent1 = UUID.randomUUID().toString();
        String sent2 = UUID.randomUUID().toString();
        String sent3 = UUID.randomUUID().toString();
        String billing = UUID.randomUUID().toString();
        List<Event<SpecificRecord>> day1 = List.of(
                event(EventCatalog.PRODUCT_CATALOGUED, "p-1", ProductCatalogued.newBuilder().setProductId("p-1").setName("kettle").setCategory("kitchen")
                        .setPrice(BigDecimal.TEN).setFloor(BigDecimal.ONE).setCeiling(BigDecimal.TEN).setCost(BigDecimal.ONE).setStock(5).build(), DAY1),
                event(EventCatalog.PRODUCT_CATALOGUED, "p-2", ProductCatalogued.newBuilder().setProductId("p-2").setName("pan").setCategory("kitchen")
                        .setPrice(BigDecimal.TEN).setFloor(BigDecimal.ONE).setCeiling(BigDecimal.TEN).setCost(BigDecimal.ONE).setStock(5).build(), DAY1),
                event(EventCatalog.ORDER_PLACED, "c-1", order("c-1", "p-1", "2", "10.00", "p-2", "1", "4.50", "p-1", "1", "10.00"), DAY1),
                event(EventCatalog.ORDER_PLACED, "c-2", order("c-2", "p-3", "5", "1.20"), DAY1),
                event(EventCatalog.PRODUCT_VIEWED, "c-3", ProductViewed.newBuilder().setCustomerId("c-3").setProductId("p-1").build(), DAY1),
                event(EventCatalog.SEGMENT_ENTERED, "VIP/c-1", new SegmentEntered("VIP/c-1", "VIP", "c-1", SegmentTrigger.EVENT), DAY1),
                event(EventCatalog.SEGMENT_ENTERED, "VIP/c-2", new SegmentEntered("VIP/c-2", "VIP", "c-2", SegmentTrigger.EVENT), DAY1),
                event(EventCatalog.DELIVERY_DECIDED, "c", delivery(sent1, "journey:welcome", DeliveryOutcome.SENT), DAY1),
                event(EventCatalog.DELIVERY_DECIDED, "c", delivery(sent2, "journey:welcome", DeliveryOutcome.SENT), DAY1),
                event(EventCatalog.DELIVERY_DECIDED, "c", delivery(UUID.randomUUID().toString(), "journey:welcome", DeliveryOutcome.SUPPRESSED), DAY1),
                event(EventCatalog.TASK_COMPLETED, sent1, new TaskCompleted(sent1, "SendNotification", "notifications", 1, null), DAY1),
                event(EventCatalog.TASK_FAILED, sent2, TaskFailed.newBuilder().setTaskEventId(sent2).setTaskType("SendNotification")
                        .setQueue("notifications").setAttempts(5).setError("bounce: no such user").setDeadLettered(true).build(), DAY1));
        List<Event<SpecificRecord>> day2 = List.of(
                event(EventCatalog.ORDER_PLACED, "c-1", order("c-1", "p-2", "3", "4.50"), DAY2),
                event(EventCatalog.SEGMENT_EXITED, "VIP/c-2", new SegmentExited("VIP/c-2", "VIP", "c-2", SegmentTrigger.CLOCK), DAY2),
                event(EventCatalog.DELIVERY_DECIDED, "c", delivery(sent3, "campaign:black-friday", DeliveryOutcome.SENT), DAY2),
                event(EventCatalog.TASK_FAILED, billing, TaskFailed.newBuilder().setTaskEventId(billing).setTaskType("RecordBillingCharge")
                        .setQueue("billing.fifo").setAttempts(5).setError("ledger refused").setDeadLettered(true).build(), DAY2));
        List<Event<SpecificRecord>> log = new ArrayList<>(day1);
        log.add(day1.get(2)); // a client's retry of c-1's order: the same eventId
        log.addAll(day2);
        log.addAll(day1); // a replay of the first day, every event with its own eventId again
        var written = project(projector, log); // handed over at once: written in one transaction, the retry and replay in it too

        assertThat(written).as("every stage completed").allMatch(f -> f.isDone() && !f.isCompletedExceptionally());

        var reports = new Reports(database());
        assertThat(reports.sales(D1, D2, Reports.SalesBy.PRODUCT)).containsExactly(
                new Reports.Sales(D1, "p-1", "EUR", 1, 3, new BigDecimal("30.00")),
                new Reports.Sales(D1, "p-2", "EUR", 1, 1, new BigDecimal("4.50")),
                new Reports.Sales(D1, "p-3", "EUR", 1, 5, new BigDecimal("6.00")),
                new Reports.Sales(D2, "p-2", "EUR", 1, 3, new BigDecimal("13.50")));
        assertThat(reports.sales(D1, D1, Reports.SalesBy.CATEGORY)).as("p-3 was never catalogued; c-1's order counts for each kitchen product")
                .containsExactly(new Reports.Sales(D1, "(uncatalogued)", "EUR", 1, 5, new BigDecimal("6.00")),
                        new Reports.Sales(D1, "kitchen", "EUR", 2, 4, new BigDecimal("34.50")));
        assertThat(reports.segments(D2, D2)).as("the size counts the entries of the day before")
                .containsExactly(new Reports.SegmentDay(D2, "VIP", 0, 1, 1));
        assertThat(reports.campaigns(D1, D2)).containsExactly(
                new Reports.CampaignDay(D1, "journey:welcome", 2, 0, 1, 1, 1),
                new Reports.CampaignDay(D2, "campaign:black-friday", 1, 0, 0, 0, 0));
        assertThat(reports.deadLetters(D1, D2)).containsExactly(
                new Reports.DeadLetterDay(D1, "notifications", "SendNotification", 1),
                new Reports.DeadLetterDay(D2, "billing.fifo", "RecordBillingCharge", 1));
        assertThat(reports.sales(D2.plusDays(1), D2.plusDays(30), Reports.SalesBy.PRODUCT)).isEmpty();
    }

    @Test
    void theLargestOrderTheEdgeAcceptsIsReportedNotRefused() {
        var projector = new ReportProjector(new ProcessedMessages(database(), InstantSource.system()));
        Instant day = Instant.parse("2026-11-20T12:00:00Z");
        String max = "9999999999999999.99"; // decimal(18,2), at most an int's worth of units
        project(projector, List.of(event(EventCatalog.ORDER_PLACED, "whale", order("whale", "p-max", String.valueOf(Integer.MAX_VALUE), max), day),
                event(EventCatalog.ORDER_PLACED, "whale", order("whale", "p-max", String.valueOf(Integer.MAX_VALUE), max), day)));
        var row = new Reports(database()).sales(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-20"), Reports.SalesBy.PRODUCT).get(0);
        assertThat(row.units()).isEqualTo(2L * Integer.MAX_VALUE);
        assertThat(row.revenue()).isEqualByComparingTo(new BigDecimal(max).multiply(BigDecimal.valueOf(2L * Integer.MAX_VALUE)));
    }

    @Test
    void anEventNoTransactionTakesFailsAloneAndTheRestOfItsBatchIsWritten() {
        var projector = new ReportProjector(new ProcessedMessages(database(), InstantSource.system()));
        Instant day = Instant.parse("2026-11-21T12:00:00Z");
        var tooLong = event(EventCatalog.PRODUCT_CATALOGUED, "p-long", ProductCatalogued.newBuilder().setProductId("p-long").setName("n")
                .setCategory("x".repeat(201)).setPrice(BigDecimal.TEN).setFloor(BigDecimal.ONE).setCeiling(BigDecimal.TEN).setCost(BigDecimal.ONE)
                .setStock(1).build(), day);
        var before = event(EventCatalog.ORDER_PLACED, "c-9", order("c-9", "p-9", "1", "2.00"), day);
        var after = event(EventCatalog.ORDER_PLACED, "c-9", order("c-9", "p-9", "2", "2.00"), day);

        var stages = project(projector, List.of(before, tooLong, after));

        assertThat(stages.get(1)).as("the category is longer than its column").isCompletedExceptionally();
        assertThat(stages.get(0)).isCompleted();
        assertThat(stages.get(2)).isCompleted();
        var row = new Reports(database()).sales(LocalDate.parse("2026-11-21"), LocalDate.parse("2026-11-21"), Reports.SalesBy.PRODUCT).get(0);
        assertThat(row.orders()).isEqualTo(2);
        assertThat(row.units()).isEqualTo(3);
    }

    /** Hands every event over at once, as a subscription does, then waits for each to be written or to fail. */
    static List<java.util.concurrent.CompletableFuture<Void>> project(ReportProjector projector, List<Event<SpecificRecord>> events) {
        var stages = events.stream().map(e -> projector.handle(e).toCompletableFuture()).toList();
        stages.forEach(f -> {
            try {
                f.join();
            } catch (java.util.concurrent.CompletionException e) {
                // asserted by the test that expects it
            }
        });
        return stages;
    }
}
