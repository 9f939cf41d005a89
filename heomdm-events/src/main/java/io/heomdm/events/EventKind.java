package io.heomdm.events;

/** What a schema describes: a market fact on the event log, a task on a queue, or a task's outcome. */
public enum EventKind {
    EVENT,
    TASK,
    OUTCOME
}
