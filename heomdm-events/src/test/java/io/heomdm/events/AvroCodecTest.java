package io.heomdm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    @Test
    void bytesThatAreNotThePayloadAreMalformed() {
        assertThatThrownBy(() -> AvroCodec.decode(EventCatalog.ORDER_PLACED, new byte[] {1, 2, 3}))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("OrderPlaced.v1");
    }

    @Test
    void aVersionTheCatalogueDoesNotKnowIsMalformed() {
        assertThatThrownBy(() -> AvroCodec.decode(EventCatalog.ORDER_PLACED, 9, new byte[0]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("no schema version 9");
    }

    @Test
    void aPayloadThatFailsHalfWrittenLeavesNothingInTheNextOne() {
        var broken = new OrderPlaced();
        broken.setCustomerId("c-1");
        broken.setOrderId("o-1"); // written before the missing lines make the writer fail
        assertThatThrownBy(() -> AvroCodec.encode(broken)).isInstanceOf(NullPointerException.class);

        var order = order("c-2", 3);
        assertThat(AvroCodec.decode(EventCatalog.ORDER_PLACED, AvroCodec.encode(order))).isEqualTo(order);
    }

    @Test
    void payloadsOfEverySizeRoundTripOneAfterAnother() {
        // the thread's buffer and decoder are reused: a large payload, then smaller ones, must each come back whole
        for (int lines : new int[] {2_000, 1, 40, 0, 2_000}) {
            var order = order("c-" + lines, lines);
            byte[] bytes = AvroCodec.encode(order);
            var first = AvroCodec.decode(EventCatalog.ORDER_PLACED, bytes);
            var again = AvroCodec.decode(EventCatalog.ORDER_PLACED, AvroCodec.encode(order("other", 1)));
            assertThat(first).isEqualTo(order);
            assertThat(again.getCustomerId()).isEqualTo("other");
        }
    }

    @Test
    void withoutContextEveryFieldButTheContextIsRead() {
        var view = io.heomdm.events.schema.ProductViewed.newBuilder().setCustomerId("c-1").setProductId("p-1").setSessionId("s-1").setCategory("kitchen")
                .setPageUrl("https://shop/p-1").setReferrer(null).setUserAgent("ua").setDevice("mobile").setCountry("NL")
                .setContext(java.util.Map.of("utm_source", "mail", "pad", "x".repeat(1_500))).build();
        var envelope = new Envelope(java.util.UUID.randomUUID(), "ProductViewed", EventCatalog.PRODUCT_VIEWED.version(), "c-1",
                java.time.Instant.parse("2026-12-06T00:00:00Z"), null, null, null);
        var read = (io.heomdm.events.schema.ProductViewed) AvroCodec.decodeWithoutContext(envelope, AvroCodec.encode(view));
        assertThat(read.getContext()).isNull();
        read.setContext(view.getContext());
        assertThat(read).isEqualTo(view);
        // a type without a context is read whole, and a full read after a projected one still has its context
        var order = order("c-3", 2);
        var orderEnvelope = new Envelope(java.util.UUID.randomUUID(), "OrderPlaced", EventCatalog.ORDER_PLACED.version(), "c-3",
                java.time.Instant.parse("2026-12-06T00:00:00Z"), null, null, null);
        assertThat(AvroCodec.decodeWithoutContext(orderEnvelope, AvroCodec.encode(order))).isEqualTo(order);
        assertThat(AvroCodec.decode(envelope, AvroCodec.encode(view))).isEqualTo(view);

        // sent on without its context: a valid event of the current schema, every other field kept, a fraction of the bytes
        byte[] slim = AvroCodec.encodeWithoutContext(AvroCodec.decodeWithoutContext(envelope, AvroCodec.encode(view)));
        var again = (io.heomdm.events.schema.ProductViewed) AvroCodec.decode(envelope, slim);
        assertThat(again.getContext()).isEmpty();
        again.setContext(view.getContext());
        assertThat(again).isEqualTo(view);
        assertThat(slim.length).isLessThan(AvroCodec.encode(view).length / 10);
    }

    private static OrderPlaced order(String customer, int lines) {
        var ls = java.util.stream.IntStream.range(0, lines).mapToObj(i -> OrderLine.newBuilder().setProductId("p-" + i + "-" + "x".repeat(30))
                .setQuantity(1 + i % 3).setUnitPrice(new BigDecimal("9.99")).build()).toList();
        return OrderPlaced.newBuilder().setCustomerId(customer).setOrderId("o-" + lines).setLines(List.copyOf(ls))
                .setTotal(new BigDecimal("9.99").multiply(BigDecimal.valueOf(lines))).setCurrency("EUR").setEmail(null).setSessionId(null).build();
    }
}
