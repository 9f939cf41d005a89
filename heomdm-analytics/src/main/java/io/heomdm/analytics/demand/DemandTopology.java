package io.heomdm.analytics.demand;

import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.StateSerde;
import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.DemandObserved;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Product demand: {@code market.activity.v1} re-keyed by product, counted in hopping event-time
 * windows (views, units put in carts, orders, units and revenue), and each window published to
 * {@code analytics.demand.v1} once it has closed (its end plus the grace period has passed in
 * stream time), with the conversion rate and a forecast of the next window.
 */
public final class DemandTopology {
    /** Panes as long as the windows' advance, keyed by product: {@link io.heomdm.analytics.Analytics#demand} adds them up into windows. */
    public static final String WINDOWS_STORE = DemandPanes.PANES_STORE;
    public static final String FORECAST_STORE = "demand-forecast";
    private static final StateSerde<ProductTouch> TOUCHES = new StateSerde<>(ProductTouch.class);

    private DemandTopology() {
    }

    public static Topology build(DemandSettings settings) {
        return build(settings, Deduplicator.Window.DEFAULT);
    }

    public static Topology build(DemandSettings settings, Deduplicator.Window window) {
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FORECAST_STORE), Serdes.String(),
                new StateSerde<>(DemandForecast.class)));
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(WINDOWS_STORE, Duration.ofMillis(DemandPanes.retention(settings)),
                settings.advance(), false), Serdes.String(), TOUCHES).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DemandPanes.CLOSED_STORE), Serdes.String(), Serdes.Long()));
        Deduplicator.once(builder, builder.stream(MarketTopics.ACTIVITY.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("activity")),
                        "demand-events-seen", window)
                .process(ProductTouches::new, Named.as("product-touches"))
                .repartition(Repartitioned.<String, ProductTouch>as("by-product").withKeySerde(Serdes.String()).withValueSerde(TOUCHES))
                .process(() -> new DemandPanes(settings), Named.as("demand-windows"), DemandPanes.PANES_STORE, DemandPanes.CLOSED_STORE)
                .process(() -> new Forecaster(settings), Named.as("forecast"), FORECAST_STORE)
                .to(AnalyticsTopics.DEMAND.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("demand"));
        return builder.build();
    }

    /** An activity event as what it did to each product it names, keyed by product. */
    static final class ProductTouches implements Processor<String, byte[], String, ProductTouch> {
        private ProcessorContext<String, ProductTouch> context;

        @Override
        public void init(ProcessorContext<String, ProductTouch> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            // a record that cannot be read throws: the dead-letter handler parks it and the partition goes on
            Envelope envelope = KafkaHeaders.envelope(record.headers(), record.key(), record.timestamp());
            SpecificRecord payload = AvroCodec.decodeWithoutContext(envelope, record.value());
            Map<String, ProductTouch> touches = new LinkedHashMap<>();
            if (payload instanceof ProductViewed v) {
                touches.put(v.getProductId(), new ProductTouch(1, 0, 0, 0, BigDecimal.ZERO));
            } else if (payload instanceof CartItemAdded c) {
                touches.put(c.getProductId(), new ProductTouch(0, c.getQuantity(), 0, 0, BigDecimal.ZERO));
            } else if (payload instanceof OrderPlaced o) {
                for (OrderLine line : o.getLines()) {
                    var t = new ProductTouch(0, 0, 0, line.getQuantity(), line.getUnitPrice().multiply(BigDecimal.valueOf(line.getQuantity())));
                    touches.merge(line.getProductId(), t, ProductTouch::plus);
                }
                touches.replaceAll((p, t) -> t.plus(new ProductTouch(0, 0, 1, 0, BigDecimal.ZERO))); // one order per product however many lines
            }
            touches.forEach((product, t) -> context.forward(new Record<>(product, t, record.timestamp())));
        }
    }

    /** Folds each closed window into the product's forecast and publishes it as {@code DemandObserved}. */
    static final class Forecaster implements Processor<String, DemandPanes.ClosedWindow, String, byte[]> {
        private final DemandSettings settings;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, DemandForecast> forecasts;

        Forecaster(DemandSettings settings) {
            this.settings = settings;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.forecasts = context.getStateStore(FORECAST_STORE);
        }

        @Override
        public void process(Record<String, DemandPanes.ClosedWindow> record) {
            String product = record.key();
            long start = record.value().start();
            long end = record.value().end();
            ProductTouch t = record.value().touch();
            DemandForecast before = forecasts.get(product);
            DemandForecast after = (before == null ? DemandForecast.none() : before).observe(start, t.units(), settings);
            forecasts.put(product, after);
            var observed = new DemandObserved(product, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), t.views(), t.cartAdds(), t.orders(),
                    t.units(), t.revenue().setScale(2, RoundingMode.HALF_EVEN), t.views() == 0 ? null : (double) t.orders() / t.views(),
                    after.next(settings), after.seasonal());
            var type = EventCatalog.DEMAND_OBSERVED;
            // one id per product and window: a window published again (after a crash before commit) deduplicates downstream
            var envelope = new Envelope(EventIds.derive(end, type.name() + "/" + product + "/" + start), type.name(), type.version(), product,
                    Instant.ofEpochMilli(end), null, null, null);
            context.forward(new Record<>(product, AvroCodec.encode(observed), end, KafkaHeaders.of(envelope)));
        }
    }
}
