package io.heomdm.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every kind of dead letter in one place: task queues' dead-letter queues (SQS or share-group
 * topics), the event log's dead-letter topics (Streams applications, consumer groups) and the
 * outbox's dead rows. The launcher wires in the implementation; {@code heomdm dlq} uses the same.
 */
public interface DeadLetterAdmin {
    /** A place dead letters are parked, and how many it holds. */
    record Source(String name, String kind, String of, long count) {
    }

    /**
     * One dead letter as an operator reads it.
     *
     * @param id      where it is parked (a partition@offset, a receipt, a row number)
     * @param from    where it failed, when known
     * @param payload the event or task as JSON; null when it cannot be read, and then {@code problem} says why
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Letter(String id, Map<String, String> envelope, String from, String reason, Integer attempts, JsonNode payload, String problem) {
    }

    List<Source> list();

    /** Up to {@code max} letters of a source, not consumed; empty when there is no such source. */
    Optional<List<Letter>> show(String source, int max);

    /** Sends every letter back where it failed, eventId and trace intact; how many; empty when there is no such source. */
    Optional<Long> replay(String source);

    /** Deletes every letter of the source for good; how many; empty when there is no such source. */
    Optional<Long> purge(String source);

    DeadLetterAdmin NONE = new DeadLetterAdmin() {
        @Override
        public List<Source> list() {
            return List.of();
        }

        @Override
        public Optional<List<Letter>> show(String source, int max) {
            return Optional.empty();
        }

        @Override
        public Optional<Long> replay(String source) {
            return Optional.empty();
        }

        @Override
        public Optional<Long> purge(String source) {
            return Optional.empty();
        }
    };
}
