package io.heomdm.decisions.recommendations;

import io.heomdm.eventlog.streams.DecodedValues;
import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.Neighbour;
import io.heomdm.events.schema.RecommendationsUpdated;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** The item side, keyed by productId: co-occurrence counters and trend, and {@code RecommendationsUpdated} when the top neighbours change. */
public final class ItemProcessor implements Processor<String, ItemSignal, String, byte[]> {
    /** Items per task kept decoded: a popular item's counters are read and rewritten by every view of it (a value of up to ~200 counters). */
    private static final int DECODED_ITEMS = 256;
    private final RecommendationSettings settings;
    private final String itemStore;
    private ProcessorContext<String, byte[]> context;
    private DecodedValues<String, ItemStats> items;

    public ItemProcessor(RecommendationSettings settings, String itemStore) {
        this.settings = settings;
        this.itemStore = itemStore;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.items = new DecodedValues<>(context.<KeyValueStore<String, ItemStats>>getStateStore(itemStore), DECODED_ITEMS);
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        String item = record.key();
        ItemSignal s = record.value();
        ItemStats before = items.get(item);
        before = before == null ? ItemStats.NONE : before;
        long viewBaskets = before.viewBaskets();
        long buyBaskets = before.buyBaskets();
        Map<String, Long> viewed = before.viewed();
        Map<String, Long> bought = before.bought();
        if (ItemStats.VIEWED_TOGETHER.equals(s.kind())) {
            viewBaskets += s.newBasket() ? 1 : 0;
            viewed = Neighbours.add(viewed, s.others(), settings.maxNeighbours());
        } else if (ItemStats.BOUGHT_TOGETHER.equals(s.kind())) {
            buyBaskets += s.newBasket() ? 1 : 0;
            bought = Neighbours.add(bought, s.others(), settings.maxNeighbours());
        }
        Map<String, Decayed> trend = before.trend();
        if (s.interaction() != null) {
            trend = new HashMap<>(trend);
            trend.merge(s.interaction(), new Decayed(s.weight(), record.timestamp()),
                    (old, x) -> old.plus(s.weight(), record.timestamp(), settings.trendHalfLife()));
        }
        ItemStats after = new ItemStats(viewBaskets, buyBaskets, viewed, bought, trend);
        items.put(item, after);
        if (s.kind() != null && !s.others().isEmpty()) {
            var top = Neighbours.top(after.neighbours(s.kind()), settings.topN());
            if (!top.stream().map(Map.Entry::getKey).toList()
                    .equals(Neighbours.top(before.neighbours(s.kind()), settings.topN()).stream().map(Map.Entry::getKey).toList())) {
                publish(item, s, after, top, record.timestamp());
            }
        }
    }

    private void publish(String item, ItemSignal s, ItemStats stats, List<Map.Entry<String, Long>> top, long at) {
        var type = EventCatalog.RECOMMENDATIONS_UPDATED;
        UUID id = EventIds.derive(UUID.fromString(s.cause()), "recommendations/" + item + "/" + s.kind());
        var envelope = new Envelope(id, type.name(), type.version(), item, Instant.ofEpochMilli(at), s.cause(), s.cause(), null);
        var neighbours = top.stream().map(e -> new Neighbour(e.getKey(), e.getValue())).toList();
        context.forward(Records.of(envelope, new RecommendationsUpdated(item, s.kind(), stats.baskets(s.kind()), neighbours)));
    }
}
