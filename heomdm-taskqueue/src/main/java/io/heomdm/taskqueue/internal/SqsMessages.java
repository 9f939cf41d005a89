package io.heomdm.taskqueue.internal;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.EnvelopeMapping;
import io.heomdm.events.Event;
import io.heomdm.events.EventType;
import io.heomdm.events.MalformedMessageException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The SQS form of a task: Avro payload as a base64 body, envelope as string message attributes. */
public final class SqsMessages {
    private SqsMessages() {
    }

    public static Map<String, MessageAttributeValue> attributes(Envelope envelope) {
        Map<String, MessageAttributeValue> out = new HashMap<>();
        EnvelopeMapping.sqsAttributes(envelope).forEach((k, v) ->
                out.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        return out;
    }

    public static String body(SpecificRecord payload) {
        return Base64.getEncoder().encodeToString(AvroCodec.encode(payload));
    }

    public static Envelope envelope(Message m) {
        Map<String, String> attrs = new HashMap<>();
        m.messageAttributes().forEach((k, v) -> attrs.put(k, v.stringValue()));
        return EnvelopeMapping.fromSqs(attrs);
    }

    public static <T extends SpecificRecord> Event<T> event(EventType<T> type, Message m) {
        Envelope envelope = envelope(m);
        if (!envelope.type().equals(type.name())) {
            throw new MalformedMessageException("expected a " + type.name() + " task, got " + envelope.type());
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(m.body());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("body is not base64");
        }
        return new Event<>(envelope, AvroCodec.decode(type, envelope.schemaVersion(), bytes));
    }

    public static int receiveCount(Message m) {
        String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }
}
