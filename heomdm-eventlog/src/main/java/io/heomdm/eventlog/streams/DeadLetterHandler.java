package io.heomdm.eventlog.streams;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bad record costs one record: a record whose processing (or reading) throws is written to the
 * application's dead-letter topic and the application goes on with the next (KIP-1034). The
 * dead letter is the source record as it was read — key, value and its own headers (eventId, type,
 * trace), so a replay is the same event — plus Kafka Streams' {@code __streams.errors.*} headers:
 * exception, message, stack trace, topic, partition and offset. It is written in the same
 * transaction as the rest of the task's output, so under exactly-once it is there exactly when the
 * record counts as processed.
 *
 * <p>A record the application cannot write because its key or value does not serialize (a store
 * value or a repartitioned record over {@link StateSerde#MAX_BYTES}, say) costs the source record
 * the same way. A record the broker refuses (too large for the topic) is not isolated: under
 * exactly-once the producer's transaction is already lost and the task starts again from its last
 * commit, so values are kept small before they are written (bounded state, {@link StateSerde}).
 *
 * <p>A failure inside a punctuation has no source record: it is logged, counted and the
 * punctuation is tried again at its next turn. Streams counts each resumed record in its
 * {@code dropped-records-total} metric, which {@link StreamsApp#deadLettered()} reads.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler, ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
    private String topic;
    /**
     * Per task, the record this handler last dead-lettered and the processor that failed on it. Streams
     * makes one instance per role (processing, deserialization, production): a record refused both by a
     * processor and on its way out is parked by each.
     */
    private final Map<TaskId, Lettered> lastLettered = new ConcurrentHashMap<>();

    private record Lettered(String topic, int partition, long offset, String processor) {
        boolean sameRecord(Lettered other) {
            return topic.equals(other.topic) && partition == other.partition && offset == other.offset;
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
        topic = (String) configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new IllegalArgumentException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must name the dead-letter topic");
        }
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, record.key(), record.value(), exception));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, record.key(), record.value(), exception));
    }

    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        // not the record in hand as a fallback: it is an output, and a replay would take it for the source
        return ProductionExceptionHandler.Response.resume(deadLetter(context, null, null, exception));
    }

    /**
     * The letter holds the source record as it was read. Streams lets go of that copy once the task has
     * sent anything for the record (a changelog write, an output), so a failure after it falls back to
     * the record the failing processor was given: the same bytes in this platform's topologies, whose
     * processors pass the source's String key and byte[] value on; any other value is left out, and
     * the letter's coordinates still name the original.
     */
    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, Object key, Object value, Exception exception) {
        // the exception's message stays in the dead letter: it may quote the record, which the log must not
        if (context.topic() == null) {
            LOG.warn("{} in processor {} of task {} outside any record (a punctuation); it runs again at its next turn",
                    exception.getClass().getName(), context.processorNodeId(), context.taskId());
            return List.of();
        }
        var lettered = new Lettered(context.topic(), context.partition(), context.offset(), context.processorNodeId());
        var before = lastLettered.get(context.taskId());
        if (before != null && before.sameRecord(lettered) && !java.util.Objects.equals(before.processor(), lettered.processor())) {
            // the source feeds several processors and one of them has parked this record already: one record, one
            // letter (a replay runs every branch again). The same processor failing on it again is the task
            // processing it anew after an aborted transaction, whose letter went with it: that one is written.
            LOG.debug("{} in processor {} on {}-{}@{}, parked already by {}", exception.getClass().getName(), lettered.processor(),
                    context.topic(), context.partition(), context.offset(), before.processor());
            return List.of();
        }
        lastLettered.put(context.taskId(), lettered);
        LOG.warn("{} processing {}-{}@{} in processor {} of task {}: the record goes to {} and processing goes on", exception.getClass().getName(),
                context.topic(), context.partition(), context.offset(), context.processorNodeId(), context.taskId(), topic);
        byte[] rawKey = context.sourceRawKey() != null ? context.sourceRawKey() : bytes(key);
        byte[] rawValue = context.sourceRawValue() != null ? context.sourceRawValue() : bytes(value);
        ProducerRecord<byte[], byte[]> letter = ExceptionHandlerUtils.buildDeadLetterQueueRecord(topic, rawKey, rawValue, context, exception);
        for (Header h : context.headers()) {
            if (letter.headers().lastHeader(h.key()) == null) {
                letter.headers().add(h.key(), h.value());
            }
        }
        return List.of(letter);
    }

    private static byte[] bytes(Object keyOrValue) {
        if (keyOrValue instanceof byte[] b) {
            return b;
        }
        return keyOrValue instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : null;
    }
}
