package io.heomdm.decisions.pricing;

import io.heomdm.decisions.CatalogEntry;
import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Price tests on the activity log, keyed by customerId: a new customer who views a test's product
 * is exposed to their arm (once), and what they then order of it counts towards the arm — orders,
 * units, revenue and margin at the price they paid, less the catalogue's cost. The totals are kept
 * per partition (key {@code test/arm/partition}) so no key is shared between tasks; read as sums.
 */
public final class PriceTestProcessor implements Processor<String, byte[], Void, Void> {
    private final List<PriceTest> tests;
    private final String customerStore;
    private final String totalsStore;
    private final String catalogStore;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, TestCustomer> customers;
    private KeyValueStore<String, ArmTotals> totals;
    private KeyValueStore<String, CatalogEntry> catalog;

    public PriceTestProcessor(List<PriceTest> tests, String customerStore, String totalsStore, String catalogStore) {
        this.tests = List.copyOf(tests);
        this.customerStore = customerStore;
        this.totalsStore = totalsStore;
        this.catalogStore = catalogStore;
    }

    /** @param exposures testId → arm, for the tests the customer has been exposed to */
    public record TestCustomer(Instant firstSeen, Map<String, Integer> exposures) {
    }

    /** What one arm's exposed customers did (in one partition, or summed). */
    public record ArmTotals(long exposed, long orders, long units, BigDecimal revenue, BigDecimal margin) {
        public static final ArmTotals NONE = new ArmTotals(0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO);

        public ArmTotals plus(ArmTotals o) {
            return new ArmTotals(exposed + o.exposed, orders + o.orders, units + o.units, revenue.add(o.revenue), margin.add(o.margin));
        }
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.customers = context.getStateStore(customerStore);
        this.totals = context.getStateStore(totalsStore);
        this.catalog = context.getStateStore(catalogStore);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        // first sightings are kept with no test running too (a test configured later must know who is
        // not new), cheaply: the key and the record's time, no decoding unless a test is running
        String customerId = record.key();
        TestCustomer before = customers.get(customerId);
        TestCustomer c = before != null ? before : new TestCustomer(Instant.ofEpochMilli(record.timestamp()), Map.of());
        if (!tests.isEmpty()) {
            var payload = Records.eventWithoutContext(record).payload();
            if (payload instanceof ProductViewed v) {
                c = exposed(customerId, c, v.getProductId());
            } else if (payload instanceof OrderPlaced o) {
                ordered(c, o);
            }
        }
        if (!c.equals(before)) {
            customers.put(customerId, c);
        }
    }

    private TestCustomer exposed(String customerId, TestCustomer c, String productId) {
        Map<String, Integer> exposures = new HashMap<>(c.exposures());
        for (PriceTest test : tests) {
            if (test.productId().equals(productId) && !exposures.containsKey(test.testId()) && test.includes(c.firstSeen())) {
                int arm = test.arm(customerId);
                exposures.put(test.testId(), arm);
                add(test.testId(), arm, new ArmTotals(1, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO));
            }
        }
        return exposures.size() == c.exposures().size() ? c : new TestCustomer(c.firstSeen(), Map.copyOf(exposures));
    }

    private void ordered(TestCustomer c, OrderPlaced o) {
        for (PriceTest test : tests) {
            Integer arm = c.exposures().get(test.testId());
            if (arm == null) {
                continue;
            }
            long units = 0;
            BigDecimal revenue = BigDecimal.ZERO;
            BigDecimal margin = BigDecimal.ZERO;
            CatalogEntry product = catalog.get(test.productId());
            BigDecimal cost = product == null ? BigDecimal.ZERO : product.cost();
            for (OrderLine line : o.getLines()) {
                if (line.getProductId().equals(test.productId())) {
                    BigDecimal quantity = BigDecimal.valueOf(line.getQuantity());
                    units += line.getQuantity();
                    revenue = revenue.add(line.getUnitPrice().multiply(quantity));
                    margin = margin.add(line.getUnitPrice().subtract(cost).multiply(quantity));
                }
            }
            if (units > 0) {
                add(test.testId(), arm, new ArmTotals(0, 1, units, revenue, margin));
            }
        }
    }

    private void add(String testId, int arm, ArmTotals delta) {
        String key = testId + "/" + arm + "/" + context.taskId().partition();
        ArmTotals before = totals.get(key);
        totals.put(key, (before == null ? ArmTotals.NONE : before).plus(delta));
    }
}
