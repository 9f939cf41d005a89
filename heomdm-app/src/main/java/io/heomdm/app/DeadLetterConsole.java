package io.heomdm.app;

import io.heomdm.eventlog.EventDeadLetters;
import io.heomdm.gateway.DeadLetterAdmin;
import io.heomdm.gateway.Unavailable;
import io.heomdm.storage.Database;
import io.heomdm.storage.Outbox;
import io.heomdm.taskqueue.DeadLetters;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.TaskQueues;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Every dead letter of the platform behind one name space: a task queue (or its DLQ's name), an
 * event-log dead-letter topic ({@code *.dlt}), or {@code outbox}. Serves {@code heomdm dlq} and
 * {@code /v1/dead-letters} alike.
 */
final class DeadLetterConsole implements DeadLetterAdmin {
    static final String OUTBOX = "outbox";
    private static final int OUTBOX_PAGE = 10_000;
    private final DeadLetters tasks;
    private final EventDeadLetters events;
    private final Database database;
    private final InstantSource clock;

    DeadLetterConsole(DeadLetters tasks, EventDeadLetters events, Database database, InstantSource clock) {
        this.tasks = tasks;
        this.events = events;
        this.database = database;
        this.clock = clock;
    }

    @Override
    public List<Source> list() {
        List<Source> out = new ArrayList<>();
        tasks.list(TaskQueues.all()).forEach(q -> out.add(new Source(q.name(), "task-queue", q.source(), q.messages())));
        events.list().forEach(t -> out.add(new Source(t.topic(), "event-log", t.topic().substring(0, t.topic().length() - ".dlt".length()), t.records())));
        out.add(new Source(OUTBOX, "outbox", "outbox_dead", Outbox.deadCount(database)));
        return out;
    }

    @Override
    public Optional<List<Letter>> show(String source, int max) {
        if (source.equals(OUTBOX)) {
            return Optional.of(Outbox.dead(database, max).stream().map(d -> {
                var envelope = new LinkedHashMap<String, String>();
                envelope.put("eventId", d.eventId().toString());
                envelope.put("type", d.type());
                envelope.put("key", d.key());
                envelope.put("deadAt", d.deadAt().toString());
                return new Letter(String.valueOf(d.seq()), envelope, d.destination(), d.lastError(), d.attempts(), null, null);
            }).toList());
        }
        if (isEventTopic(source)) {
            return Optional.of(events.show(source, max).stream().map(l -> new Letter(l.id(), l.envelope(), l.from(), l.reason(), l.attempts(),
                    l.payload(), l.problem())).toList());
        }
        return queue(source).map(q -> tasks.show(q, max).stream()
                .map(t -> new Letter(t.id(), t.envelope(), q.name(), t.reason(), t.receives(), t.payload(), t.problem())).toList());
    }

    @Override
    public Optional<Long> replay(String source) {
        if (source.equals(OUTBOX)) {
            return Optional.of((long) Outbox.replayDead(database, Outbox.dead(database, OUTBOX_PAGE).stream().map(Outbox.DeadRow::seq).toList(),
                    clock.instant()));
        }
        if (isEventTopic(source)) {
            return Optional.of(events.replay(source));
        }
        return queue(source).map(q -> tasks.redrive(q, q).moved());
    }

    @Override
    public Optional<Long> purge(String source) {
        if (source.equals(OUTBOX)) {
            return Optional.of((long) Outbox.purgeDead(database, Outbox.dead(database, OUTBOX_PAGE).stream().map(Outbox.DeadRow::seq).toList()));
        }
        if (isEventTopic(source)) {
            return Optional.of(events.purge(source));
        }
        return queue(source).map(q -> {
            long parked = tasks.list(List.of(q)).get(0).messages();
            tasks.purge(q);
            return parked;
        });
    }

    private boolean isEventTopic(String source) {
        return events.holds(source);
    }

    /** This console while Kafka, SQS or the database does not answer: 503 with the reason, not a 500. */
    DeadLetterAdmin unlessDown() {
        var console = this;
        return new DeadLetterAdmin() {
            @Override
            public List<Source> list() {
                return guarded(console::list);
            }

            @Override
            public Optional<List<Letter>> show(String source, int max) {
                return guarded(() -> console.show(source, max));
            }

            @Override
            public Optional<Long> replay(String source) {
                return guarded(() -> console.replay(source));
            }

            @Override
            public Optional<Long> purge(String source) {
                return guarded(() -> console.purge(source));
            }
        };
    }

    private static <T> T guarded(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw new Unavailable("dead-letters", "the dead letters cannot be reached now (" + e.getMessage() + "); retry shortly");
        }
    }

    private static Optional<QueueSpec<?>> queue(String name) {
        try {
            return Optional.of(DlqCommand.queue(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
