package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodedValuesTest {
    final AtomicInteger decoded = new AtomicInteger();
    KeyValueStore<String, String> store;
    DecodedValues<String, String> values;

    @BeforeEach
    void open() {
        Deserializer<String> counting = (topic, bytes) -> {
            decoded.incrementAndGet();
            return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        };
        Serde<String> serde = Serdes.serdeFrom(Serdes.String().serializer(), counting);
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), serde).withLoggingDisabled().build();
        var context = new MockProcessorContext<String, String>();
        store.init(context.getStateStoreContext(), store);
        values = new DecodedValues<>(store, 2);
    }

    @Test
    void aValueReadOrWrittenIsServedDecodedAndWritesReachTheStore() {
        store.put("a", "1");
        assertThat(values.get("a")).isEqualTo("1");
        assertThat(values.get("a")).isEqualTo("1");
        assertThat(decoded).as("read from the store once").hasValue(1);

        values.put("b", "2");
        assertThat(values.get("b")).isEqualTo("2");
        assertThat(decoded).as("written values are kept decoded").hasValue(1);
        assertThat(store.get("b")).as("and are in the store").isEqualTo("2");

        assertThat(values.delete("a")).isEqualTo("1");
        assertThat(values.get("a")).isNull();
        assertThat(store.get("a")).isNull();
        assertThat(values.get("missing")).isNull();
    }

    @Test
    void theLeastRecentlyUsedIsLetGoPastTheCapacity() {
        values.put("a", "1");
        values.put("b", "2");
        values.get("a");
        values.put("c", "3"); // b is the least recently used of three
        int before = decoded.get();
        values.get("a");
        values.get("c");
        assertThat(decoded).hasValue(before);
        assertThat(values.get("b")).isEqualTo("2");
        assertThat(decoded).as("b read from the store again").hasValue(before + 1);
    }
}
