package io.heomdm.app;

import io.heomdm.eventlog.EventSubscriber;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.streams.StreamsReset;
import io.heomdm.reporting.ReportProjector;
import io.heomdm.reporting.ReportingDataflows;
import io.heomdm.storage.Database;
import io.heomdm.storage.ProcessedMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The reporting projector running: one subscription per topic it reads, stopped and started as one,
 * and rebuilt from the log by emptying its tables and claims and resetting its groups.
 */
final class ReportsProjection implements AutoCloseable {
    private final EventSubscriber subscriber;
    private final ReportProjector projector;
    private final Database database;
    private final KafkaSettings kafka;
    private List<EventSubscriber.Subscription> subscriptions = List.of();
    /** From a rebuild's start until {@link #caughtUp}: the tables hold part of the log, so the reports answer 503. */
    private volatile boolean catchingUp;

    ReportsProjection(EventSubscriber subscriber, ProcessedMessages processed, Database database, KafkaSettings kafka) {
        this.subscriber = subscriber;
        this.projector = new ReportProjector(processed);
        this.database = database;
        this.kafka = kafka;
    }

    synchronized ReportsProjection start() {
        TopicAdmin.ensure(kafka, ReportingDataflows.TOPICS);
        List<EventSubscriber.Subscription> started = new ArrayList<>();
        ReportingDataflows.TOPICS.forEach(topic -> started.add(subscriber.subscribeAsync(ReportingDataflows.consumerGroup(topic), topic, projector)));
        subscriptions = List.copyOf(started);
        return this;
    }

    /**
     * Stops, empties the reporting tables and the projector's claims, resets its groups to the
     * beginning (or to {@code from}: the reports then hold the events since then), and starts again.
     */
    synchronized StreamsReset.Target rebuild(Optional<Instant> from) {
        catchingUp = true;
        close();
        try {
            projector.drain(Duration.ofSeconds(30)); // a batch written after the tables are emptied would count its events in the rebuild too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the report writer finished", e);
        }
        database.inTransaction(c -> {
            try (var s = c.createStatement()) {
                for (String table : ReportingDataflows.TABLES) {
                    s.executeUpdate("delete from " + table);
                }
                s.executeUpdate("delete from processed_messages where consumer = '" + ReportProjector.CONSUMER + "'");
            }
            return null;
        });
        List<StreamsReset.Target> parts = new ArrayList<>();
        ReportingDataflows.TOPICS.forEach(topic -> parts.add(StreamsReset.resetGroup(kafka, ReportingDataflows.consumerGroup(topic), Set.of(topic.name()),
                from)));
        start();
        return StreamsReset.Target.of(parts);
    }

    void caughtUp() {
        catchingUp = false;
    }

    boolean isCatchingUp() {
        return catchingUp;
    }

    boolean isRunning() {
        return subscriptions.stream().allMatch(EventSubscriber.Subscription::isRunning);
    }

    long deadLettered() {
        return subscriptions.stream().mapToLong(EventSubscriber.Subscription::deadLettered).sum();
    }

    @Override
    public synchronized void close() {
        subscriptions.forEach(EventSubscriber.Subscription::close);
        subscriptions = List.of();
    }
}
