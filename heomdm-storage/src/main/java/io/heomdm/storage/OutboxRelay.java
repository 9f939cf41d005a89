package io.heomdm.storage;

import io.heomdm.events.Daemons;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Publishes the outbox: claims the due rows, hands each to its destination, and deletes those the
 * destination acknowledged. A row the destination refused is tried again after a backoff (1 s
 * doubling to 5 min; meanwhile the rows behind it go on) and after {@code maxAttempts} it moves to
 * {@code outbox_dead}; one that cannot even be read moves there at once. A destination that is
 * away (down, unreachable, not answering in time: {@link Destinations#away}) costs a row no
 * attempt: it is tried again every {@link #OUTAGE_RETRY}, so an outage of any length buries
 * nothing and the rows go out within seconds of the destination's return. One acknowledged but not
 * yet deleted when the relay stops is published again when its claim runs out (at least once,
 * deduplicated downstream by eventId). Several relays on one database share the rows, each claimed
 * by one. The rows of a pass are published concurrently, so order between rows is not kept: what the
 * outbox carries is keyed-idempotent.
 *
 * <p>{@link #relayDue} may be called from one thread at a time; {@link #start} runs it on a daemon
 * thread every {@code interval} until closed.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int DEFAULT_BATCH = 200;
    private static final int DEFAULT_MAX_ATTEMPTS = 10;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** How soon a row is tried again while its destination is away. */
    public static final Duration OUTAGE_RETRY = Duration.ofSeconds(5);

    /** Where rows go: publishes one event and completes when its destination has acknowledged it. */
    @FunctionalInterface
    public interface Destinations {
        CompletableFuture<?> publish(Outbox.Entry entry);

        /**
         * Whether {@code failure} says the destination is away rather than refusing this row; by
         * default a timeout or an I/O error among its causes. Destinations that know their clients'
         * errors (a retriable Kafka error, an SQS 5xx) say more.
         */
        default boolean away(Throwable failure) {
            return causedBy(failure, c -> c instanceof java.util.concurrent.TimeoutException || c instanceof java.io.IOException);
        }

        /** Whether {@code failure} or any of its causes matches. */
        static boolean causedBy(Throwable failure, java.util.function.Predicate<Throwable> matches) {
            for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (matches.test(c)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Database database;
    private final Destinations destinations;
    private final InstantSource clock;
    private final Duration publishTimeout;
    private final int batch;
    private final int maxAttempts;
    private final Duration lease;
    private final java.util.concurrent.atomic.AtomicLong buried = new java.util.concurrent.atomic.AtomicLong();
    private ScheduledExecutorService scheduler;
    private volatile boolean passing = true;
    /** The last pass found a destination away (for a quiet log: one warning per outage). */
    private boolean destinationAway;

    public OutboxRelay(Database database, Destinations destinations, InstantSource clock, Duration publishTimeout) {
        this(database, destinations, clock, publishTimeout, DEFAULT_BATCH);
    }

    /** @param batch rows per pass: what a relay stopped mid-pass publishes again on its next start */
    public OutboxRelay(Database database, Destinations destinations, InstantSource clock, Duration publishTimeout, int batch) {
        this(database, destinations, clock, publishTimeout, batch, DEFAULT_MAX_ATTEMPTS);
    }

    /** @param maxAttempts publishing attempts before a row moves to {@code outbox_dead} */
    public OutboxRelay(Database database, Destinations destinations, InstantSource clock, Duration publishTimeout, int batch, int maxAttempts) {
        this.database = database;
        this.destinations = destinations;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
        this.batch = batch;
        this.maxAttempts = maxAttempts;
        // longer than a pass can take: a claim runs out only for a relay that stopped mid-pass
        this.lease = publishTimeout.multipliedBy(2).plusSeconds(10);
    }

    /** Started, not closed, and its last pass did not fail (the database answered). */
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown() && passing;
    }

    /** Rows this relay moved to {@code outbox_dead} since it started. */
    public long buried() {
        return buried.get();
    }

    /** One pass over at most a batch of due rows; returns how many were published and deleted. */
    public int relayDue() {
        Instant now = clock.instant();
        List<Outbox.Claimed> claimed = database.inTransaction(c -> Outbox.claim(c, now, batch, now.plus(lease)));
        if (claimed.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (var row : claimed) {
            CompletableFuture<?> f;
            try {
                f = row.entry() == null ? CompletableFuture.failedFuture(new IllegalStateException(row.unreadable())) : destinations.publish(row.entry());
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            sent.add(f.orTimeout(publishTimeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<Long> published = new ArrayList<>();
        Map<Outbox.Claimed, Throwable> failed = new LinkedHashMap<>();
        for (int i = 0; i < claimed.size(); i++) {
            try {
                sent.get(i).join();
                published.add(claimed.get(i).seq());
            } catch (RuntimeException e) {
                failed.put(claimed.get(i), e.getCause() != null ? e.getCause() : e);
            }
        }
        Instant after = clock.instant();
        int[] dead = {0};
        int[] away = {0};
        database.inTransaction(c -> {
            Outbox.delete(c, published);
            for (var f : failed.entrySet()) {
                var row = f.getKey();
                int attempts = row.attempts() + 1;
                String error = f.getValue().toString();
                if (row.entry() != null && destinations.away(f.getValue())) {
                    Outbox.failed(c, row.seq(), row.attempts(), "destination away: " + error, after.plus(OUTAGE_RETRY));
                    away[0]++;
                } else if (row.entry() == null || attempts >= maxAttempts) {
                    Outbox.bury(c, row.seq(), attempts, row.entry() == null ? "unreadable: " + row.unreadable() : error, after);
                    dead[0]++;
                } else {
                    Outbox.failed(c, row.seq(), attempts, error, after.plus(backoff(attempts)));
                }
            }
            return null;
        });
        if (!failed.isEmpty()) {
            buried.addAndGet(dead[0]);
            // an outage is one warning, not one every pass
            if (away[0] < failed.size() || !destinationAway) {
                log.warn("outbox: {} of {} rows not published ({} with their destination away, retried every {} s; {} moved to outbox_dead): {}",
                        failed.size(), claimed.size(), away[0], OUTAGE_RETRY.toSeconds(), dead[0], failed.values().iterator().next().toString());
            }
        }
        if (destinationAway && away[0] == 0) {
            log.info("outbox: destination back, relaying again");
        }
        destinationAway = away[0] > 0;
        return published.size();
    }

    /** 1 s doubling to 5 min. */
    static Duration backoff(int attempts) {
        Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempts - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** Relays on a daemon thread: a full batch is followed at once by the next, otherwise the next pass is {@code interval} later. */
    public OutboxRelay start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(Daemons.named("outbox-relay"));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                while (relayDue() == batch && !scheduler.isShutdown()) {
                    // a full batch: more may be waiting
                }
                if (!passing) {
                    log.info("outbox: relaying again");
                }
                passing = true;
            } catch (RuntimeException e) {
                // an outage is one warning, not one every pass
                if (passing) {
                    log.warn("outbox: relay pass failed, retrying every {} ms until it works: {}", interval.toMillis(), e.toString());
                } else {
                    log.debug("outbox: relay pass failed again: {}", e.toString());
                }
                passing = false;
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
