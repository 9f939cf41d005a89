package io.heomdm.events;

/**
 * What a schema describes: a market fact on the event log, a fact the platform derives or records
 * itself (segments and their definitions, scores, demand: never accepted on {@code POST /v1/events}),
 * a task on a queue, or a task's outcome.
 */
public enum EventKind {
    EVENT,
    DERIVED,
    TASK,
    OUTCOME
}
