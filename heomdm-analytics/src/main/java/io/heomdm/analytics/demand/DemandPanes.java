package io.heomdm.analytics.demand;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Hopping windows kept as tumbling panes: each touch updates the one pane (as long as the windows'
 * advance) it falls in, and a window is the sum of its panes, added up once when it closes. An hourly
 * window every five minutes is twelve panes; kept as windows, every event updated twelve of them.
 *
 * <p>The same result as the DSL's {@code emitStrategy(onWindowClose())}: a window closes when the
 * task's stream time has passed its end plus the grace period, and is emitted once, with the touches
 * that came before it closed. A touch late for some of its windows still counts in those that are
 * open; one late for all of them is dropped. The start of the last window closed is kept in a store,
 * so a restart neither emits a window twice nor skips one.
 */
final class DemandPanes implements Processor<String, ProductTouch, String, DemandPanes.ClosedWindow> {
    static final String PANES_STORE = "demand-panes";
    static final String CLOSED_STORE = "demand-closed";
    private static final String LAST_CLOSED = "last-closed-window-start";

    /** A window of one product's demand, closed: {@code [start, end)} in epoch milliseconds. */
    record ClosedWindow(long start, long end, ProductTouch touch) {
    }

    private final long size;
    private final long advance;
    private final long grace;
    private ProcessorContext<String, ClosedWindow> context;
    private WindowStore<String, ProductTouch> panes;
    private KeyValueStore<String, Long> closed;
    private long lastClosedStart;

    DemandPanes(DemandSettings settings) {
        this.size = settings.window().toMillis();
        this.advance = settings.advance().toMillis();
        this.grace = settings.grace().toMillis();
    }

    /** The pane store: one entry per product and pane, kept as long as the last window holding the pane may still take touches. */
    static long retention(DemandSettings settings) {
        return settings.window().plus(settings.grace()).toMillis();
    }

    @Override
    public void init(ProcessorContext<String, ClosedWindow> context) {
        this.context = context;
        this.panes = context.getStateStore(PANES_STORE);
        this.closed = context.getStateStore(CLOSED_STORE);
        Long last = closed.get(LAST_CLOSED);
        this.lastClosedStart = last == null ? Long.MIN_VALUE : last;
    }

    @Override
    public void process(Record<String, ProductTouch> record) {
        long at = record.timestamp();
        long closeBoundary = Math.max(context.currentStreamTimeMs(), at) - grace;
        closeWindowsEndingBy(closeBoundary);
        long pane = alignDown(at);
        if (pane + size <= closeBoundary) {
            return; // every window holding it has closed (the DSL drops such a record too)
        }
        ProductTouch sum = panes.fetch(record.key(), pane);
        panes.put(record.key(), sum == null ? record.value() : sum.plus(record.value()), pane);
    }

    /** Emits, oldest first and each product in order, every window that ends by the boundary and was not closed before. */
    private void closeWindowsEndingBy(long closeBoundary) {
        long latest = alignDown(closeBoundary - size);
        if (latest <= lastClosedStart) {
            return;
        }
        // one scan of the panes the closing windows span, however long ago the last close was: it touches only panes that exist
        long earliest = lastClosedStart == Long.MIN_VALUE ? 0 : lastClosedStart + advance;
        Map<Long, Map<String, ProductTouch>> windows = new TreeMap<>();
        try (var it = panes.fetchAll(earliest, latest + size - advance)) {
            while (it.hasNext()) {
                var kv = it.next();
                long pane = kv.key.window().start();
                for (long start = Math.max(earliest, pane - size + advance); start <= Math.min(latest, pane); start += advance) {
                    windows.computeIfAbsent(start, s -> new TreeMap<>()).merge(kv.key.key(), kv.value, ProductTouch::plus);
                }
            }
        }
        windows.forEach((start, products) -> products.forEach((product, touch) ->
                context.forward(new Record<>(product, new ClosedWindow(start, start + size, touch), start + size))));
        lastClosedStart = latest;
        closed.put(LAST_CLOSED, latest);
    }

    private long alignDown(long millis) {
        return millis - Math.floorMod(millis, advance);
    }
}
