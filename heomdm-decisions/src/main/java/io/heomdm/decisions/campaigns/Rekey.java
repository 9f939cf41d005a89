package io.heomdm.decisions.campaigns;

import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.Event;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Forwards each record once under each key its event names (none: dropped), headers and value as
 * they are: views re-keyed by product, bounces by customer, a campaign by its audience.
 */
final class Rekey implements Processor<String, byte[], String, byte[]> {
    private final Function<Event<SpecificRecord>, List<String>> keys;
    private ProcessorContext<String, byte[]> context;

    Rekey(Function<Event<SpecificRecord>, List<String>> keys) {
        this.keys = keys;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        keys.apply(Records.eventWithoutContext(record)).forEach(key -> context.forward(record.withKey(key)));
    }
}
