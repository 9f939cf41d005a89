package io.heomdm.events;

/** A message whose envelope or payload cannot be read: retrying it can never succeed. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
