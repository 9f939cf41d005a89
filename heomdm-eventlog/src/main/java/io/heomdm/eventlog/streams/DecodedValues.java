package io.heomdm.eventlog.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store seen through the values last read or written, kept decoded. Kafka Streams' own
 * cache holds bytes, so every {@code get} decodes the value again; for the large values a processor
 * reads and rewrites on every event (an item's neighbour counters, a customer's taste) decoding was a
 * fifth of the application's time. Writes go through to the store, which stays the truth: its
 * changelog, its restore, the interactive queries.
 *
 * <p>Only for a store that its processor alone writes, and only with immutable values. Made in the
 * processor's {@code init}, which Kafka Streams calls again whenever a task's state is rebuilt (a
 * revived task after an aborted transaction, a task moved back), so nothing kept outlives the state
 * it was read from.
 */
public final class DecodedValues<K, V> {
    private final KeyValueStore<K, V> store;
    private final Map<K, V> recent;

    public DecodedValues(KeyValueStore<K, V> store, int capacity) {
        this.store = store;
        this.recent = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    public V get(K key) {
        V value = recent.get(key);
        if (value == null) {
            value = store.get(key);
            if (value != null) {
                recent.put(key, value);
            }
        }
        return value;
    }

    public void put(K key, V value) {
        store.put(key, value);
        recent.put(key, value);
    }

    /** Deletes the key; returns what the store held. */
    public V delete(K key) {
        recent.remove(key);
        return store.delete(key);
    }
}
