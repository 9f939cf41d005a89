package io.heomdm.events;

/**
 * What a schema describes: a market fact on the event log, a fact the platform derives from them
 * (segments, scores, demand: never accepted from clients), a task on a queue, or a task's outcome.
 */
public enum EventKind {
    EVENT,
    DERIVED,
    TASK,
    OUTCOME
}
