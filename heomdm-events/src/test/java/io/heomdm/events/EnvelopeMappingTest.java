package io.heomdm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvelopeMappingTest {
    private final Envelope full = new Envelope(UUID.fromString("01a209ac-eef9-7378-b4c1-1479d9ebef59"), "OrderPlaced", 1, "c-42",
            Instant.parse("2026-11-23T10:15:30.123Z"), "corr-1", "cause-1", Traceparent.newTrace(new SplittableRandom(1)));

    @Test
    void kafkaHeadersWithKeyAndTimestampRestoreTheEnvelope() {
        var headers = EnvelopeMapping.kafkaHeaders(full);
        assertThat(headers).containsEntry("heomdm-type", "OrderPlaced.v1").doesNotContainKey(EnvelopeMapping.KEY);
        assertThat(EnvelopeMapping.fromKafka(headers, "c-42", full.occurredAt().toEpochMilli())).isEqualTo(full);
    }

    @Test
    void sqsAttributesRestoreTheEnvelopeWithinTheAttributeLimit() {
        var attributes = EnvelopeMapping.sqsAttributes(full);
        assertThat(attributes).hasSizeLessThanOrEqualTo(7);
        assertThat(attributes.size()).isLessThan(EnvelopeMapping.SQS_ATTRIBUTE_LIMIT);
        assertThat(EnvelopeMapping.fromSqs(attributes)).isEqualTo(full);
    }

    @Test
    void optionalFieldsAreLeftOutAndComeBackAsNull() {
        var bare = new Envelope(full.eventId(), "ProductViewed", EventCatalog.PRODUCT_VIEWED.version(), "c-1", full.occurredAt(), null, null, null);
        assertThat(EnvelopeMapping.sqsAttributes(bare)).hasSize(4);
        assertThat(EnvelopeMapping.fromSqs(EnvelopeMapping.sqsAttributes(bare))).isEqualTo(bare);
    }

    @Test
    void theWrittenVersionIsTheCurrentSchemasWhatTheEnvelopeWasReadWith() {
        // an event read from a v1 writer is held as v1, but anything that sends it on encodes it with v2
        var readFromV1 = new Envelope(full.eventId(), "ProductViewed", 1, "c-1", full.occurredAt(), null, null, null);
        assertThat(EnvelopeMapping.kafkaHeaders(readFromV1)).containsEntry(EnvelopeMapping.TYPE, "ProductViewed.v2");
        assertThat(EnvelopeMapping.sqsAttributes(readFromV1)).containsEntry(EnvelopeMapping.TYPE, "ProductViewed.v2");
    }

    @Test
    void aMissingOrBrokenFieldIsAMalformedMessageNamingIt() {
        var attributes = new HashMap<>(EnvelopeMapping.sqsAttributes(full));
        attributes.remove(EnvelopeMapping.EVENT_ID);
        assertThatThrownBy(() -> EnvelopeMapping.fromSqs(attributes))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("heomdm-event-id");
        attributes.put(EnvelopeMapping.EVENT_ID, full.eventId().toString());
        attributes.put(EnvelopeMapping.TYPE, "OrderPlaced");
        assertThatThrownBy(() -> EnvelopeMapping.fromSqs(attributes))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("Name.vN");
    }

    @Test
    void aCausedEnvelopeKeepsTheTraceAndPointsAtItsCause() {
        var child = full.causing(UUID.randomUUID(), "SendNotification", 1, "c-42", full.occurredAt());
        assertThat(child.traceparent()).isEqualTo(full.traceparent());
        assertThat(child.correlationId()).isEqualTo("corr-1");
        assertThat(child.causationId()).isEqualTo(full.eventId().toString());
        var root = new Envelope(full.eventId(), "OrderPlaced", 1, "c", full.occurredAt(), null, null, null);
        assertThat(root.causing(UUID.randomUUID(), "X", 1, "c", full.occurredAt()).correlationId()).isEqualTo(full.eventId().toString());
    }
}
