package io.heomdm.eventlog;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A subscription's dead letters: a record that failed its last try, written to its dead-letter topic as it was read, with why. */
final class ParkedEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParkedEvents.class);
    private final TopicSpec topic;
    private final Producer<String, byte[]> producer;
    private final AtomicLong parked = new AtomicLong();

    ParkedEvents(TopicSpec topic, Producer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /**
     * Writes the record to the dead-letter topic and waits for the acknowledgement; false (and
     * the event is retried) when it cannot be written.
     */
    boolean park(ConsumerRecord<String, byte[]> r, Throwable failure, int tries) {
        var letter = new ProducerRecord<>(topic.name(), null, r.timestamp(), r.key(), r.value(), new RecordHeaders(r.headers().toArray()));
        DeadLetterHeaders.add(letter.headers(), failure, r.topic(), r.partition(), r.offset(), tries);
        try {
            producer.send(letter).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not dead-letter {}-{}@{} to {} ({}); it is retried", r.topic(), r.partition(), r.offset(), topic.name(), e.toString());
            return false;
        }
        parked.incrementAndGet();
        log.warn("{}-{}@{} failed {} time(s) ({}): parked in {}, the partition goes on", r.topic(), r.partition(), r.offset(), tries,
                failure.getClass().getName(), topic.name());
        return true;
    }

    long count() {
        return parked.get();
    }

    /**
     * A failure for the log: its classes down to the root cause, not their messages, which may quote
     * the event (a database's "value too long" quotes the value, an address among them); the dead
     * letter keeps the message for the operator.
     */
    static String causes(Throwable failure) {
        var names = new StringBuilder(failure.getClass().getName());
        for (Throwable t = failure.getCause(); t != null && t != t.getCause() && names.length() < 500; t = t.getCause()) {
            names.append(" <- ").append(t.getClass().getName());
        }
        return names.toString();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
