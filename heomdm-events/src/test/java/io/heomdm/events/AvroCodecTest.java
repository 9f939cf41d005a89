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

    private static OrderPlaced order(String customer, int lines) {
        var ls = java.util.stream.IntStream.range(0, lines).mapToObj(i -> OrderLine.newBuilder().setProductId("p-" + i + "-" + "x".repeat(30))
                .setQuantity(1 + i % 3).setUnitPrice(new BigDecimal("9.99")).build()).toList();
        return OrderPlaced.newBuilder().setCustomerId(customer).setOrderId("o-" + lines).setLines(List.copyOf(ls))
                .setTotal(new BigDecimal("9.99").multiply(BigDecimal.valueOf(lines))).setCurrency("EUR").setEmail(null).setSessionId(null).build();
    }
}
