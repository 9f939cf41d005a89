package io.heomdm.decisions.internal;

import io.heomdm.eventlog.streams.GlobalDeadLetters;
import io.heomdm.decisions.CatalogEntry;
import io.heomdm.events.schema.ProductCatalogued;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Fills the catalogue global store from {@code market.catalog.v1}, keeping when each product was first seen (for "newest"). */
public final class CatalogLoader implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private KeyValueStore<String, CatalogEntry> store;
    private ProcessorContext<Void, Void> context;
    private GlobalDeadLetters deadLetters;

    public CatalogLoader(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.deadLetters = GlobalDeadLetters.of(context, storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        deadLetters.read(record, context).ifPresent(event -> {
            if (event.payload() instanceof ProductCatalogued p) {
                CatalogEntry before = store.get(p.getProductId());
                store.put(p.getProductId(), CatalogEntry.of(p, before == null ? event.envelope().occurredAt() : before.firstSeen()));
            }
        });
    }
}
