package io.heomdm.storage;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox: reads the due rows, hands each to its destination, and deletes those the
 * destination acknowledged in one transaction. A row whose publishing failed stays and is tried on
 * the next pass; one acknowledged but not yet deleted when the relay stops is published again on the
 * next start (at least once, deduplicated downstream by eventId). The rows of a pass are published
 * concurrently, so order between rows is not kept: what the outbox carries is keyed-idempotent.
 *
 * <p>{@link #relayDue} may be called from one thread at a time; {@link #start} runs it on a daemon
 * thread every {@code interval} until closed.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int DEFAULT_BATCH = 200;

    /** Where rows go: publishes one event and completes when its destination has acknowledged it. */
    @FunctionalInterface
    public interface Destinations {
        CompletableFuture<?> publish(Outbox.Entry entry);
    }

    private final Database database;
    private final Destinations destinations;
    private final InstantSource clock;
    private final Duration publishTimeout;
    private final int batch;
    private ScheduledExecutorService scheduler;

    public OutboxRelay(Database database, Destinations destinations, InstantSource clock, Duration publishTimeout) {
        this(database, destinations, clock, publishTimeout, DEFAULT_BATCH);
    }

    /** @param batch rows per pass: what a relay stopped mid-pass publishes again on its next start */
    public OutboxRelay(Database database, Destinations destinations, InstantSource clock, Duration publishTimeout, int batch) {
        this.database = database;
        this.destinations = destinations;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
        this.batch = batch;
    }

    /** One pass over at most a batch of due rows; returns how many were published and deleted. */
    public int relayDue() {
        List<Outbox.Entry> due = database.inTransaction(c -> Outbox.due(c, clock.instant(), batch));
        if (due.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (var entry : due) {
            CompletableFuture<?> f;
            try {
                f = destinations.publish(entry);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            sent.add(f.orTimeout(publishTimeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<Long> published = new ArrayList<>();
        Throwable failure = null;
        for (int i = 0; i < due.size(); i++) {
            try {
                sent.get(i).join();
                published.add(due.get(i).seq());
            } catch (RuntimeException e) {
                failure = e.getCause() != null ? e.getCause() : e;
            }
        }
        if (!published.isEmpty()) {
            database.inTransaction(c -> {
                Outbox.delete(c, published);
                return null;
            });
        }
        if (failure != null) {
            log.warn("outbox: {} of {} rows not published, retried on the next pass: {}", due.size() - published.size(), due.size(),
                    failure.toString());
        }
        return published.size();
    }

    /** Relays on a daemon thread: a full batch is followed at once by the next, otherwise the next pass is {@code interval} later. */
    public OutboxRelay start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-relay");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                while (relayDue() == batch && !scheduler.isShutdown()) {
                    // a full batch: more may be waiting
                }
            } catch (RuntimeException e) {
                log.warn("outbox: relay pass failed, retrying in {} ms: {}", interval.toMillis(), e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops after the current pass (what it published and did not delete is published again next time). */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(publishTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
