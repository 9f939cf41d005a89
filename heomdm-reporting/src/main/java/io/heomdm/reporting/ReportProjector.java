package io.heomdm.reporting;

import io.heomdm.events.Daemons;
import io.heomdm.events.Event;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductCatalogued;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.eventlog.AsyncEventHandler;
import io.heomdm.eventlog.DependencyDown;
import io.heomdm.storage.Database;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.storage.SqlWork;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.avro.specific.SpecificRecord;

/**
 * Projects the log into the reporting tables (V9__reporting.sql): each event it reports on is
 * claimed by its eventId in the transaction that writes it, so an event read twice — a client's
 * retry, a copy, a redelivery — changes nothing. Days are the UTC days of the events' occurredAt.
 * Subscribed once per topic it reads ({@link ReportingDataflows}); one handler serves them all.
 *
 * <p>Writes are group-committed: the subscriptions hand events over and go on reading, and one
 * writer thread writes up to {@value #BATCH} of them per transaction, completing each event's stage
 * when its transaction commits (the subscriber commits an offset only then). One event per
 * transaction held a rebuild to a few hundred events a second. A batch that fails is written again
 * one event per transaction, so an event no transaction can take fails alone and is retried and
 * dead-lettered alone. One writer for every table also means no two writers race for a new row.
 */
public final class ReportProjector implements AsyncEventHandler {
    /** The consumer whose claims make the projection idempotent, and the prefix of its consumer groups. */
    public static final String CONSUMER = "reports";
    static final int BATCH = 500;
    private static final int CONFLICT_TRIES = 10;
    private static final Logger log = LoggerFactory.getLogger(ReportProjector.class);
    private static final Set<String> TYPES = Set.of("OrderPlaced", "ProductCatalogued", "SegmentEntered", "SegmentExited", "DeliveryDecided",
            "TaskCompleted", "TaskFailed");
    private final ProcessedMessages processed;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(10 * BATCH);
    /** Handed over and not yet committed or failed; its monitor is what {@link #drain} waits on. */
    private long inFlight;

    private record Pending(UUID eventId, SqlWork<Void> work, CompletableFuture<Void> done) {
    }

    public ReportProjector(ProcessedMessages processed) {
        this.processed = processed;
        Daemons.start("reports-writer", this::write); // what it has not committed is delivered again at the next start
    }

    @Override
    public boolean accepts(String eventType) {
        return TYPES.contains(eventType);
    }

    @Override
    public CompletionStage<Void> handle(Event<SpecificRecord> event) {
        SqlWork<Void> work = projection(event.payload(), day(event.envelope().occurredAt()));
        if (work == null) {
            return CompletableFuture.completedFuture(null);
        }
        var pending = new Pending(event.envelope().eventId(), work, new CompletableFuture<>());
        synchronized (this) {
            inFlight++;
        }
        try {
            queue.put(pending); // a full queue holds the subscription back: the writer is the limit
        } catch (InterruptedException e) {
            settled(1);
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        return pending.done();
    }

    /** Waits until every event handed over is committed or failed (before the tables are emptied for a rebuild). */
    public synchronized void drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(inFlight + " report writes still in flight after " + timeout);
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private synchronized void settled(int events) {
        inFlight -= events;
        if (inFlight == 0) {
            notifyAll();
        }
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, BATCH - 1);
            try {
                writeBatch(batch);
                batch.forEach(p -> p.done().complete(null));
            } catch (InterruptedException e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            } catch (RuntimeException batchFailed) {
                if (Database.unreachable(batchFailed)) {
                    // not the events' fault: each would wait for a connection in turn; they wait for the database instead
                    var down = new DependencyDown("the reporting database", batchFailed);
                    batch.forEach(p -> p.done().completeExceptionally(down));
                    continue;
                }
                for (Pending p : batch) {
                    try {
                        processed.runOnce(CONSUMER, p.eventId(), p.work());
                        p.done().complete(null);
                    } catch (RuntimeException e) {
                        log.debug("report write failed for {}", p.eventId(), e);
                        p.done().completeExceptionally(Database.unreachable(e) ? new DependencyDown("the reporting database", e) : e);
                    }
                }
            } finally {
                settled(batch.size());
                batch.clear();
            }
        }
    }

    /**
     * One transaction for the batch, tried again at once when the database rolled it back for a conflict: another
     * instance's writer updating the same day's rows. Past {@value #CONFLICT_TRIES} tries the conflict is the batch's.
     */
    private void writeBatch(List<Pending> batch) throws InterruptedException {
        var work = batch.stream().<Map.Entry<UUID, SqlWork<?>>>map(p -> Map.entry(p.eventId(), p.work())).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                processed.runOnceEach(CONSUMER, work);
                return;
            } catch (RuntimeException e) {
                if (!Database.conflicted(e) || attempt == CONFLICT_TRIES) {
                    throw e;
                }
                // a random pause, so that two writers that met do not meet again at once
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt));
            }
        }
    }

    /** The write an event makes, or null for one no report counts. */
    private static SqlWork<Void> projection(SpecificRecord payload, LocalDate day) {
        if (payload instanceof OrderPlaced o) {
            return c -> sale(c, day, o);
        }
        if (payload instanceof ProductCatalogued p) {
            return c -> upsert(c, "update report_products set category = ? where product_id = ?",
                    "insert into report_products (category, product_id) values (?, ?)", p.getCategory(), p.getProductId());
        }
        if (payload instanceof SegmentEntered e) {
            return c -> add(c, "report_segment_daily", "day_utc, segment", "entered, exited", day, e.getSegment(), 1, 0);
        }
        if (payload instanceof SegmentExited e) {
            return c -> add(c, "report_segment_daily", "day_utc, segment", "entered, exited", day, e.getSegment(), 0, 1);
        }
        if (payload instanceof DeliveryDecided d) {
            return c -> {
                add(c, "report_campaign_daily", "day_utc, source, outcome", "decisions", day, d.getSource(), d.getOutcome().name(), 1);
                if (d.getOutcome() == DeliveryOutcome.SENT) {
                    upsert(c, "update report_sent_messages set source = ?, day_utc = ? where delivery_id = ?",
                            "insert into report_sent_messages (source, day_utc, delivery_id) values (?, ?, ?)", d.getSource(), Date.valueOf(day),
                            d.getDeliveryId());
                }
                return null;
            };
        }
        if (payload instanceof TaskCompleted t) {
            return c -> outcome(c, t.getTaskEventId(), t.getTaskType(), t.getQueue(), true, false, day);
        }
        if (payload instanceof TaskFailed t) {
            return c -> outcome(c, t.getTaskEventId(), t.getTaskType(), t.getQueue(), false, t.getDeadLettered(), day);
        }
        return null;
    }

    /** One order: per product, the order counted once and its lines' units and revenue summed. */
    private static Void sale(Connection c, LocalDate day, OrderPlaced o) throws SQLException {
        Map<String, long[]> units = new LinkedHashMap<>();
        Map<String, BigDecimal> revenue = new LinkedHashMap<>();
        for (OrderLine line : o.getLines()) {
            units.computeIfAbsent(line.getProductId(), p -> new long[1])[0] += line.getQuantity();
            revenue.merge(line.getProductId(), line.getUnitPrice().multiply(BigDecimal.valueOf(line.getQuantity())), BigDecimal::add);
        }
        for (var product : units.entrySet()) {
            add(c, "report_sales_daily", "day_utc, product_id, currency", "orders, units, revenue", day, product.getKey(), o.getCurrency(), 1,
                    product.getValue()[0], revenue.get(product.getKey()));
        }
        return null;
    }

    /** The task's latest outcome: a dead-lettered task redriven and then done is done. */
    private static Void outcome(Connection c, String taskEventId, String type, String queue, boolean completed, boolean deadLettered, LocalDate day)
            throws SQLException {
        return upsert(c, "update report_task_outcomes set task_type = ?, queue = ?, completed = ?, dead_lettered = ?, day_utc = ? where task_event_id = ?",
                "insert into report_task_outcomes (task_type, queue, completed, dead_lettered, day_utc, task_event_id) values (?, ?, ?, ?, ?, ?)",
                type, queue, completed, deadLettered, Date.valueOf(day), taskEventId);
    }

    /**
     * Adds counts to the row of {@code keys}, making it when missing. Update then insert: each table
     * is written by one consumer group, one record at a time, so no two writers race for a new row.
     */
    private static Void add(Connection c, String table, String keyColumns, String countColumns, LocalDate day, Object... keysThenCounts)
            throws SQLException {
        String[] keys = keyColumns.split(", ");
        String[] counts = countColumns.split(", ");
        Object[] values = new Object[keysThenCounts.length + 1];
        values[0] = Date.valueOf(day);
        System.arraycopy(keysThenCounts, 0, values, 1, keysThenCounts.length);
        var set = new StringBuilder();
        for (String count : counts) {
            set.append(set.isEmpty() ? "" : ", ").append(count).append(" = ").append(count).append(" + ?");
        }
        var where = String.join(" and ", java.util.Arrays.stream(keys).map(k -> k + " = ?").toList());
        Object[] updateArgs = new Object[values.length];
        System.arraycopy(values, keys.length, updateArgs, 0, counts.length);
        System.arraycopy(values, 0, updateArgs, counts.length, keys.length);
        upsertWith(c, "update " + table + " set " + set + " where " + where,
                "insert into " + table + " (" + keyColumns + ", " + countColumns + ") values (" + "?, ".repeat(values.length - 1) + "?)",
                updateArgs, values);
        return null;
    }

    /** The same arguments for both statements: the key columns last in each. */
    private static Void upsert(Connection c, String update, String insert, Object... args) throws SQLException {
        return upsertWith(c, update, insert, args, args);
    }

    private static Void upsertWith(Connection c, String update, String insert, Object[] updateArgs, Object[] insertArgs) throws SQLException {
        if (execute(c, update, updateArgs) == 0) {
            execute(c, insert, insertArgs);
        }
        return null;
    }

    private static int execute(Connection c, String sql, Object[] args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }
}
