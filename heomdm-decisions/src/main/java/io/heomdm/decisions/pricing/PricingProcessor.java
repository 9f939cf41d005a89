package io.heomdm.decisions.pricing;

import io.heomdm.decisions.CatalogEntry;
import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.CompetitorPriceObserved;
import io.heomdm.events.schema.DemandObserved;
import io.heomdm.events.schema.GuardrailStep;
import io.heomdm.events.schema.PriceApproved;
import io.heomdm.events.schema.PriceChanged;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pricing engine in Kafka Streams, keyed by productId: closed demand windows run a cycle,
 * competitor prices and approvals update the product's state, and each decision that changes a
 * price (or would, in recommend mode) goes out as {@code PriceChanged}.
 *
 * <p>Hopping demand windows overlap; only those aligned on their own length are used (a window of
 * an hour that starts on the hour), so no unit is counted twice. A cycle decides as of its window's
 * end, in event time, and draws its randomness from the product and the window: a replay after a
 * crash decides exactly the same.
 */
public final class PricingProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(PricingProcessor.class);
    private final PricingSettings settings;
    private final PricingEngine engine;
    private final String stateStore;
    private final String catalogStore;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, ProductPricing> products;
    private KeyValueStore<String, CatalogEntry> catalog;

    public PricingProcessor(PricingSettings settings, String stateStore, String catalogStore) {
        this.settings = settings;
        this.engine = new PricingEngine(settings);
        this.stateStore = stateStore;
        this.catalogStore = catalogStore;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.products = context.getStateStore(stateStore);
        this.catalog = context.getStateStore(catalogStore);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        var event = Records.eventWithoutContext(record);
        SpecificRecord payload = event.payload();
        if (payload instanceof DemandObserved d) {
            demand(event, d);
        } else if (payload instanceof CompetitorPriceObserved c) {
            state(c.getProductId(), event.envelope().occurredAt()).ifPresent(s ->
                    products.put(c.getProductId(), engine.competitorSeen(s, c.getCompetitor(), c.getPrice(), event.envelope().occurredAt())));
        } else if (payload instanceof PriceApproved a) {
            approve(event, a);
        }
    }

    private void demand(Event<SpecificRecord> event, DemandObserved d) {
        long start = d.getWindowStart().toEpochMilli();
        long size = d.getWindowEnd().toEpochMilli() - start;
        if (size <= 0 || start % size != 0) {
            return;
        }
        String product = d.getProductId();
        CatalogEntry entry = catalog.get(product);
        if (entry == null) {
            LOG.debug("demand for {} which is not in the catalogue: not priced", product);
            return;
        }
        ProductPricing state = products.get(product);
        if (state == null) {
            state = engine.start(entry, d.getWindowStart());
        }
        String purpose = "price/" + product + "/" + start;
        var id = EventIds.derive(d.getWindowEnd().toEpochMilli(), purpose);
        var random = new SplittableRandom(settings.seed() ^ (product.hashCode() * 0x9E3779B97F4A7C15L) ^ start);
        var cycle = engine.cycle(state, entry, d.getWindowStart(), d.getUnits(), d.getWindowEnd(), id.toString(), random);
        products.put(product, cycle.state());
        cycle.published().ifPresent(decision -> publish(event.envelope(), id, decision, cycle.state()));
    }

    private void approve(Event<SpecificRecord> event, PriceApproved a) {
        ProductPricing state = products.get(a.getProductId());
        var approved = state == null ? Optional.<PricingEngine.Cycle>empty()
                : engine.approve(state, a.getDecisionId(), event.envelope().occurredAt());
        if (approved.isEmpty()) {
            LOG.warn("approval of decision {} for {}: it is no longer pending (superseded or already applied)", a.getDecisionId(), a.getProductId());
            return;
        }
        products.put(a.getProductId(), approved.get().state());
        publish(event.envelope(), EventIds.derive(event.envelope().eventId(), "approval"), approved.get().published().orElseThrow(),
                approved.get().state());
    }

    private Optional<ProductPricing> state(String product, Instant now) {
        ProductPricing state = products.get(product);
        if (state != null) {
            return Optional.of(state);
        }
        return Optional.ofNullable(catalog.get(product)).map(entry -> engine.start(entry, now));
    }

    private void publish(Envelope cause, UUID id, PriceDecision d, ProductPricing state) {
        var type = EventCatalog.PRICE_CHANGED;
        var trail = d.trail().stream().map(s -> new GuardrailStep(s.rule(), s.before(), s.after(), s.note())).toList();
        var changed = new PriceChanged(state.productId(), d.previousPrice(), d.proposedPrice(), d.finalPrice(), state.currency(), d.boundBy(),
                trail, d.mode().name().toLowerCase(Locale.ROOT), d.applied(), d.reason(), d.decisionId(), d.expectedUnits(),
                d.elasticity(), d.elasticityStdErr());
        context.forward(Records.of(cause.causing(id, type.name(), type.version(), state.productId(), d.at()), changed));
    }
}
