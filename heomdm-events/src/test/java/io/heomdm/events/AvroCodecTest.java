package io.heomdm.events;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
