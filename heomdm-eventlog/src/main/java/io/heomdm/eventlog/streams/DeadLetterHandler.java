package io.heomdm.eventlog.streams;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
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
 * <p>A failure inside a punctuation has no source record: it is logged, counted and the
 * punctuation is tried again at its next turn. Streams counts each resumed record in its
 * {@code dropped-records-total} metric, which {@link StreamsApp#deadLettered()} reads.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
    private String topic;

    @Override
    public void configure(Map<String, ?> configs) {
        topic = (String) configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new IllegalArgumentException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must name the dead-letter topic");
        }
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, exception));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, Exception exception) {
        // the exception's message stays in the dead letter: it may quote the record, which the log must not
        if (context.topic() == null || context.sourceRawValue() == null && context.sourceRawKey() == null) {
            LOG.warn("{} in processor {} of task {} outside any record (a punctuation); it runs again at its next turn",
                    exception.getClass().getName(), context.processorNodeId(), context.taskId());
            return List.of();
        }
        LOG.warn("{} processing {}-{}@{} in task {}: the record goes to {} and processing goes on", exception.getClass().getName(),
                context.topic(), context.partition(), context.offset(), context.taskId(), topic);
        ProducerRecord<byte[], byte[]> letter = ExceptionHandlerUtils.buildDeadLetterQueueRecord(topic, context.sourceRawKey(),
                context.sourceRawValue(), context, exception);
        for (Header h : context.headers()) {
            if (letter.headers().lastHeader(h.key()) == null) {
                letter.headers().add(h.key(), h.value());
            }
        }
        return List.of(letter);
    }
}
