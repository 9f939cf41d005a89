package io.heomdm.eventlog;

/** Where an acknowledged event sits in the log. */
public record LogPosition(String topic, int partition, long offset) {
}
