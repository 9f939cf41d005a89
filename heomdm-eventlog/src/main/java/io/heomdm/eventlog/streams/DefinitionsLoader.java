package io.heomdm.eventlog.streams;

import io.heomdm.events.Event;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a global store of definitions (segments, journeys) in step with its compacted topic: each
 * {@code D} is put under {@code id}, a tombstone removes one, a record of another type is ignored, and
 * one that cannot be read is parked ({@link GlobalDeadLetters}) rather than stopping the application's
 * global thread.
 */
public final class DefinitionsLoader<D extends SpecificRecord> implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final Class<D> type;
    private final Function<D, String> id;
    private final Function<D, String> definition;
    private KeyValueStore<String, String> store;
    private ProcessorContext<Void, Void> context;
    private GlobalDeadLetters deadLetters;

    public DefinitionsLoader(String storeName, Class<D> type, Function<D, String> id, Function<D, String> definition) {
        this.storeName = storeName;
        this.type = type;
        this.id = id;
        this.definition = definition;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(storeName);
        deadLetters = GlobalDeadLetters.of(context, storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        deadLetters.read(record, context).map(Event::payload).filter(type::isInstance).map(type::cast)
                .ifPresent(d -> store.put(id.apply(d), definition.apply(d)));
    }
}
