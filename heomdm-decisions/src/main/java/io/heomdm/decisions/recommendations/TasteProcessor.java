package io.heomdm.decisions.recommendations;

import static io.heomdm.decisions.recommendations.ItemStats.BOUGHT_TOGETHER;
import static io.heomdm.decisions.recommendations.ItemStats.VIEWED_TOGETHER;

import io.heomdm.eventlog.streams.DecodedValues;
import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.CustomerErased;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductViewed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The customer side, keyed by customerId: keeps each customer's taste and current session, and
 * sends what each event means for each item (a co-occurrence, a trend count) to the item's partition.
 * A session's first {@code maxBasketItems} distinct items pair with each other as they come, so a
 * session of k items costs k(k-1) counter updates at most, never more.
 */
public final class TasteProcessor implements Processor<String, byte[], String, ItemSignal> {
    private final RecommendationSettings settings;
    private final String tasteStore;
    private final String totalsStore;
    private ProcessorContext<String, ItemSignal> context;
    /** Customers per task kept decoded: a visitor's events come in bursts (a session), each reading and rewriting their taste. */
    private static final int DECODED_TASTES = 1024;
    private DecodedValues<String, CustomerTaste> tastes;
    private KeyValueStore<String, Long> totals;

    public TasteProcessor(RecommendationSettings settings, String tasteStore, String totalsStore) {
        this.settings = settings;
        this.tasteStore = tasteStore;
        this.totalsStore = totalsStore;
    }

    @Override
    public void init(ProcessorContext<String, ItemSignal> context) {
        this.context = context;
        this.tastes = new DecodedValues<>(context.<KeyValueStore<String, CustomerTaste>>getStateStore(tasteStore), DECODED_TASTES);
        this.totals = context.getStateStore(totalsStore);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        var event = Records.eventWithoutContext(record);
        long at = record.timestamp();
        String cause = event.envelope().eventId().toString();
        String customer = event.envelope().key();
        CustomerTaste taste = tastes.get(customer);
        taste = taste == null ? CustomerTaste.NONE : taste;
        if (event.payload() instanceof ProductViewed v) {
            taste = viewed(taste, v, at, cause);
        } else if (event.payload() instanceof CartItemAdded c) {
            taste = withInterest(taste, Map.of(c.getProductId(), settings.cartWeight()), at, List.of());
            send(at, c.getProductId(), new ItemSignal(null, false, List.of(), "cart", settings.cartWeight(), cause));
        } else if (event.payload() instanceof OrderPlaced o) {
            taste = ordered(taste, o, at, cause);
        } else if (event.payload() instanceof CustomerErased) {
            tastes.delete(customer);
            return;
        } else {
            return;
        }
        tastes.put(customer, taste);
    }

    private CustomerTaste viewed(CustomerTaste taste, ProductViewed v, long at, String cause) {
        String item = v.getProductId();
        String session = v.getSessionId();
        List<String> items = new ArrayList<>(session != null && session.equals(taste.sessionId()) ? taste.sessionItems() : List.of());
        if (session != null && !session.equals(taste.sessionId())) {
            count(VIEWED_TOGETHER);
        }
        if (session != null && !items.contains(item) && items.size() < settings.maxBasketItems()) {
            send(at, item, new ItemSignal(VIEWED_TOGETHER, true, List.copyOf(items), "view", settings.viewWeight(), cause));
            for (String earlier : items) {
                send(at, earlier, new ItemSignal(VIEWED_TOGETHER, false, List.of(item), null, 0, cause));
            }
            items.add(item);
        } else {
            send(at, item, new ItemSignal(null, false, List.of(), "view", settings.viewWeight(), cause));
        }
        var next = withInterest(taste, Map.of(item, settings.viewWeight()), at, List.of());
        return new CustomerTaste(next.affinity(), next.bought(), session, List.copyOf(items));
    }

    private CustomerTaste ordered(CustomerTaste taste, OrderPlaced o, long at, String cause) {
        Map<String, Double> units = new LinkedHashMap<>();
        for (OrderLine line : o.getLines()) {
            if (units.size() < settings.maxBasketItems() || units.containsKey(line.getProductId())) {
                units.merge(line.getProductId(), (double) line.getQuantity(), Double::sum);
            }
        }
        count(BOUGHT_TOGETHER);
        List<String> basket = List.copyOf(units.keySet());
        for (String item : basket) {
            List<String> others = basket.stream().filter(other -> !other.equals(item)).toList();
            send(at, item, new ItemSignal(BOUGHT_TOGETHER, true, others, "order", settings.orderWeight() * units.get(item), cause));
        }
        Map<String, Double> interest = new HashMap<>();
        units.forEach((item, n) -> interest.put(item, settings.orderWeight() * n));
        return withInterest(taste, interest, at, basket);
    }

    /** Adds interest (decayed to now), keeping the {@code affinityItems} strongest, and remembers what was bought, newest first. */
    private CustomerTaste withInterest(CustomerTaste taste, Map<String, Double> added, long at, List<String> bought) {
        Map<String, Decayed> affinity = new HashMap<>(taste.affinity());
        added.forEach((item, w) -> affinity.merge(item, new Decayed(w, at), (old, x) -> old.plus(w, at, settings.affinityHalfLife())));
        if (affinity.size() > settings.affinityItems()) {
            affinity.entrySet().stream()
                    .sorted(java.util.Comparator.comparingDouble(e -> e.getValue().at(at, settings.affinityHalfLife())))
                    .limit(affinity.size() - settings.affinityItems()).map(Map.Entry::getKey).toList().forEach(affinity::remove);
        }
        List<String> kept = new ArrayList<>(bought);
        taste.bought().stream().filter(item -> !bought.contains(item)).forEach(kept::add);
        return new CustomerTaste(Map.copyOf(affinity), List.copyOf(kept.subList(0, Math.min(kept.size(), settings.boughtKept()))),
                taste.sessionId(), taste.sessionItems());
    }

    private void send(long at, String item, ItemSignal signal) {
        context.forward(new Record<>(item, signal, at));
    }

    /** Baskets per kind, one counter per partition (the key names it) so that no key is shared between tasks; read as their sum. */
    private void count(String kind) {
        String key = kind + "/" + context.taskId().partition();
        Long n = totals.get(key);
        totals.put(key, n == null ? 1 : n + 1);
    }
}
