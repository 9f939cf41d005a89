package io.heomdm.eventlog.streams;

import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.MalformedMessageException;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a global store of definitions (segments, journeys) in step with its compacted topic: each
 * {@code D} is put under {@code id}, a tombstone removes one, and a record of another type, or one
 * that cannot be read, is skipped with a warning rather than stopping the application's global thread.
 */
public final class DefinitionsLoader<D extends SpecificRecord> implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(DefinitionsLoader.class);

    private final String storeName;
    private final Class<D> type;
    private final Function<D, String> id;
    private final Function<D, String> definition;
    private KeyValueStore<String, String> store;

    public DefinitionsLoader(String storeName, Class<D> type, Function<D, String> id, Function<D, String> definition) {
        this.storeName = storeName;
        this.type = type;
        this.id = id;
        this.definition = definition;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        try {
            Envelope envelope = KafkaHeaders.envelope(record.headers(), record.key(), record.timestamp());
            SpecificRecord payload = AvroCodec.decode(envelope, record.value());
            if (type.isInstance(payload)) {
                D d = type.cast(payload);
                store.put(id.apply(d), definition.apply(d));
            }
        } catch (MalformedMessageException e) {
            log.warn("skipping an unreadable record in {}: {}", storeName, e.getMessage());
        }
    }
}
