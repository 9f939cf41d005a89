package io.heomdm.campaigns;

import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keyed by segment name: who is in each segment now (key {@code segment NUL customerId}, one range
 * per segment), kept from the entries and exits (a tombstone of an erased customer's membership
 * removes it too); a campaign aimed at the segment goes to each member, re-keyed by customer.
 */
final class SegmentMembers implements Processor<String, byte[], String, byte[]> {
    private static final char SEPARATOR = '\u0000';
    private final String storeName;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Long> members;

    SegmentMembers(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.members = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;                                          // tombstones are dropped before the re-key (they carry no customer)
        }
        var event = Records.eventWithoutContext(record);
        if (event.payload() instanceof SegmentEntered e) {
            members.put(e.getSegment() + SEPARATOR + e.getCustomerId(), event.envelope().occurredAt().toEpochMilli());
        } else if (event.payload() instanceof SegmentExited e) {
            members.delete(e.getSegment() + SEPARATOR + e.getCustomerId());
        } else if (event.payload() instanceof CampaignTriggered c) {
            List<String> customers = new ArrayList<>();
            try (KeyValueIterator<String, Long> it = members.range(c.getAudienceSegment() + SEPARATOR,
                    c.getAudienceSegment() + (char) (SEPARATOR + 1))) {
                it.forEachRemaining(kv -> customers.add(kv.key.substring(kv.key.indexOf(SEPARATOR) + 1)));
            }
            customers.forEach(customerId -> context.forward(record.withKey(customerId)));
        }
    }
}
