package io.heomdm.campaigns;

import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Event;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Forwards each record once under each key its event names (none: dropped), headers and value as
 * they are: bounces by customer, a campaign by its audience; or {@link #withoutContext} the event
 * encoded again without its context map: views re-keyed by product, where the whole 2 KB event through
 * the repartition topic was more than a third of all the platform wrote to Kafka.
 */
final class Rekey implements Processor<String, byte[], String, byte[]> {
    private final Function<Event<SpecificRecord>, List<String>> keys;
    private final boolean withoutContext;
    private ProcessorContext<String, byte[]> context;

    Rekey(Function<Event<SpecificRecord>, List<String>> keys) {
        this(keys, false);
    }

    private Rekey(Function<Event<SpecificRecord>, List<String>> keys, boolean withoutContext) {
        this.keys = keys;
        this.withoutContext = withoutContext;
    }

    static Rekey withoutContext(Function<Event<SpecificRecord>, List<String>> keys) {
        return new Rekey(keys, true);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        var event = Records.eventWithoutContext(record);
        List<String> to = keys.apply(event);
        if (to.isEmpty()) {
            return;
        }
        // encoded with the current schema, so the headers say the current version
        var out = withoutContext ? record.withValue(AvroCodec.encodeWithoutContext(event.payload())).withHeaders(KafkaHeaders.of(event.envelope())) : record;
        to.forEach(key -> context.forward(out.withKey(key)));
    }
}
