package io.heomdm.campaigns;

import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.schema.PriceChanged;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keyed by productId: remembers who viewed each product and when (key {@code productId NUL
 * customerId}, so one product's viewers are one key range), and on an applied price change that
 * drops the price by the configured share, forwards the change once to each recent viewer, re-keyed
 * by customer. Views too old to count are deleted as the range is read.
 */
final class PriceDropViewers implements Processor<String, byte[], String, byte[]> {
    private static final char SEPARATOR = '\u0000';
    private final PriceDropSettings settings;
    private final String storeName;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Long> viewed;

    PriceDropViewers(PriceDropSettings settings, String storeName) {
        this.settings = settings;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.viewed = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        var event = Records.eventWithoutContext(record);
        if (event.payload() instanceof ProductViewed v) {
            viewed.put(v.getProductId() + SEPARATOR + v.getCustomerId(), event.envelope().occurredAt().toEpochMilli());
        } else if (event.payload() instanceof PriceChanged p && p.getApplied() && dropPercent(p) >= settings.minDropPercent()) {
            Instant since = event.envelope().occurredAt().minus(settings.viewedWithin());
            List<KeyValue<String, Long>> viewers = new ArrayList<>();
            try (KeyValueIterator<String, Long> it = viewed.range(p.getProductId() + SEPARATOR, p.getProductId() + (char) (SEPARATOR + 1))) {
                it.forEachRemaining(viewers::add);
            }
            for (var v : viewers) {
                if (v.value < since.toEpochMilli()) {
                    viewed.delete(v.key);
                } else {
                    context.forward(record.withKey(v.key.substring(v.key.indexOf(SEPARATOR) + 1)));
                }
            }
        }
    }

    static double dropPercent(PriceChanged p) {
        BigDecimal before = p.getPreviousPrice();
        if (before.signum() <= 0) {
            return 0;
        }
        return before.subtract(p.getFinalPrice()).multiply(BigDecimal.valueOf(100)).divide(before, 2, RoundingMode.HALF_EVEN).doubleValue();
    }
}
