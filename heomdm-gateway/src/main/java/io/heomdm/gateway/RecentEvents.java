package io.heomdm.gateway;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The eventIds this gateway was sent lately, with a fingerprint of each event's type and payload:
 * the same eventId with another payload is a client error the gateway can answer 409 at once
 * (downstream, the applications' deduplication parks any it did not see here). Bounded: the oldest
 * are forgotten, and another instance of the gateway knows its own.
 */
final class RecentEvents {
    private final Map<UUID, byte[]> seen;

    RecentEvents(int capacity) {
        this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers the event; false when its eventId was seen with another type or payload (and then nothing changes). */
    boolean admit(EventIngestion.Accepted event) {
        byte[] fingerprint = fingerprint(event);
        synchronized (seen) {
            byte[] earlier = seen.putIfAbsent(event.event().envelope().eventId(), fingerprint);
            return earlier == null || Arrays.equals(earlier, fingerprint);
        }
    }

    private static byte[] fingerprint(EventIngestion.Accepted event) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(event.event().envelope().type().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(event.payload());
            return Arrays.copyOf(digest.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
