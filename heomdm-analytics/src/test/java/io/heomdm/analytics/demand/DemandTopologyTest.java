package io.heomdm.analytics.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.DemandObserved;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemandTopologyTest {
    static final Instant T0 = Instant.parse("2026-09-01T00:00:00Z");

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> activity;
    TestOutputTopic<String, byte[]> demand;

    void start(DemandSettings settings) {
        var props = TopologyTests.properties("demand-test", stateDir);
        driver = new TopologyTestDriver(DemandTopology.build(settings), props);
        activity = TopologyTests.input(driver, MarketTopics.ACTIVITY);
        demand = TopologyTests.output(driver, AnalyticsTopics.DEMAND);
    }

    @Test
    void theTopologyReadsAndWritesWhatItsDataflowDeclares() {
        var topology = DemandTopology.build(new DemandSettings(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO, 0.3, 0.2)).describe();
        assertThat(io.heomdm.analytics.AnalyticsDataflows.DEMAND.mismatches(topology)).isEmpty();
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    void send(String customerId, SpecificRecord payload, Instant at) {
        var type = EventCatalog.byName(payload.getSchema().getName()).orElseThrow();
        var envelope = new Envelope(UUID.randomUUID(), type.name(), type.version(), customerId, at, null, null, null);
        activity.pipeInput(new TestRecord<>(customerId, AvroCodec.encode(payload), KafkaHeaders.of(envelope), at));
    }

    static ProductViewed view(String product) {
        return ProductViewed.newBuilder().setCustomerId("c-1").setProductId(product).build();
    }

    static OrderPlaced order(OrderLine... lines) {
        return OrderPlaced.newBuilder().setCustomerId("c-1").setOrderId(UUID.randomUUID().toString()).setLines(List.of(lines))
                .setTotal(BigDecimal.ZERO).build();
    }

    static OrderLine line(String product, int quantity, String price) {
        return new OrderLine(product, quantity, new BigDecimal(price));
    }

    List<DemandObserved> read() {
        return demand.readRecordsToList().stream().map(r -> {
            Envelope e = KafkaHeaders.envelope(r.headers(), r.key(), r.timestamp());
            return (DemandObserved) AvroCodec.decode(e, r.value());
        }).toList();
    }

    @Test
    void anOrderSentOnceTwiceOrFiveTimesGivesTheSameDemand() {
        Path root = stateDir;
        for (int copies : new int[] {1, 2, 5}) {
            stateDir = root.resolve("copies-" + copies);
            start(new DemandSettings(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(5), 0.3, 0.2));
            Instant at = T0.plus(Duration.ofMinutes(30));
            var envelope = new Envelope(UUID.randomUUID(), "OrderPlaced", 1, "c-1", at, null, null, null);
            byte[] payload = AvroCodec.encode(order(line("p-1", 2, "10.00")));
            for (int i = 0; i < copies; i++) {
                activity.pipeInput(new TestRecord<>("c-1", payload, KafkaHeaders.of(envelope), at.plusSeconds(i)));
            }
            send("c-9", view("p-9"), at.plus(Duration.ofHours(3)));
            var p1 = read().stream().filter(d -> d.getProductId().equals("p-1")).toList();
            assertThat(p1).as(copies + " copies").hasSize(1);
            assertThat(p1.get(0).getOrders()).isEqualTo(1);
            assertThat(p1.get(0).getUnits()).isEqualTo(2);
            assertThat(p1.get(0).getRevenue()).isEqualByComparingTo("20.00");
            driver.close();
        }
        driver = null;
    }

    @Test
    void eachClosedHoppingWindowCountsViewsCartAddsOrdersUnitsAndRevenue() {
        start(new DemandSettings(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(1), 0.3, 0.2));
        Instant at = T0.plus(Duration.ofMinutes(61)); // inside the 12 windows starting 00:05 ... 01:00
        for (int i = 0; i < 4; i++) {
            send("c-" + i, view("p-1"), at);
        }
        send("c-1", CartItemAdded.newBuilder().setCustomerId("c-1").setProductId("p-1").setQuantity(2).setUnitPrice(new BigDecimal("10.00")).build(), at);
        send("c-1", order(line("p-1", 1, "10.00"), line("p-1", 2, "10.00"), line("p-2", 1, "5.00")), at);
        assertThat(read()).as("no window has closed yet").isEmpty();

        send("c-9", view("p-9"), at.plus(Duration.ofHours(3))); // moves stream time past every window's end and grace
        List<DemandObserved> p1 = read().stream().filter(d -> d.getProductId().equals("p-1")).toList();
        assertThat(p1).hasSize(12);
        assertThat(p1).allSatisfy(d -> {
            assertThat(d.getViews()).isEqualTo(4);
            assertThat(d.getCartAdds()).isEqualTo(2);
            assertThat(d.getOrders()).as("two lines, one order").isEqualTo(1);
            assertThat(d.getUnits()).isEqualTo(3);
            assertThat(d.getRevenue()).isEqualByComparingTo("30.00");
            assertThat(d.getConversionRate()).isEqualTo(0.25);
            assertThat(Duration.between(d.getWindowStart(), d.getWindowEnd())).isEqualTo(Duration.ofHours(1));
        });
        assertThat(p1.get(0).getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void theForecastLearnsTheHourOfDayPatternAfterADay() {
        DemandSettings hourly = new DemandSettings(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO, 0.3, 0.2);
        start(hourly);
        int days = 4;
        for (int h = 0; h < days * 24 + 1; h++) {
            int hourOfDay = h % 24;
            int units = hourOfDay >= 8 && hourOfDay < 20 ? 10 : 2; // busy days, quiet nights
            send("c-1", order(line("p-1", units, "1.00")), T0.plus(Duration.ofHours(h)).plusSeconds(60));
        }
        List<DemandObserved> out = read();
        assertThat(out).hasSize(days * 24);
        assertThat(out.get(10).getSeasonal()).as("within the first day: no factors yet").isFalse();
        for (int i = 3 * 24; i < days * 24 - 1; i++) {
            DemandObserved d = out.get(i);
            long nextActual = out.get(i + 1).getUnits();
            assertThat(d.getSeasonal()).isTrue();
            assertThat(d.getForecastUnits()).as("forecast for the window after %s", d.getWindowStart()).isCloseTo(nextActual, within(nextActual * 0.1));
        }
    }

    @Test
    void quietWindowsCountAsZeroDemand() {
        DemandSettings hourly = new DemandSettings(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO, 0.5, 0.2);
        start(hourly);
        send("c-1", order(line("p-1", 8, "1.00")), T0.plusSeconds(60));
        send("c-1", order(line("p-1", 8, "1.00")), T0.plus(Duration.ofHours(5)).plusSeconds(60)); // four hours with no event between
        send("c-9", view("p-9"), T0.plus(Duration.ofHours(7)));
        List<DemandObserved> p1 = read().stream().filter(d -> d.getProductId().equals("p-1")).toList();
        assertThat(p1).hasSize(2);
        assertThat(p1.get(0).getForecastUnits()).isEqualTo(8.0);
        // 8 → four zero hours at alpha 0.5 → 0.5; then 8 again: 0.5 * 8 + 0.5 * 0.5 = 4.25
        assertThat(p1.get(1).getForecastUnits()).isCloseTo(4.25, within(1e-9));
    }
}
