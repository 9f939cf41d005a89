package io.heomdm.eventlog.streams;

/** What became of a request to delete a definition (a segment, a journey) kept on a compacted topic. */
public enum Deletion {
    /** A tombstone was written; every instance drops the definition within seconds. */
    DELETED,
    /** No definition of that name was written through the API. */
    NOT_FOUND,
    /** It comes from the configuration, which is where it is changed. */
    CONFIGURED
}
