package io.heomdm.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The eventIds this gateway was sent lately, with a fingerprint of each event's type and payload:
 * the same eventId with another payload is a client error the gateway can answer 409 at once
 * (downstream, the applications' deduplication parks any it did not see here). Bounded: the oldest
 * are forgotten, and another instance of the gateway knows its own.
 *
 * <p>Held in arrays allocated once (32 bytes of id and fingerprint and 8 of index per event, about
 * 8 MB for 200,000) rather than a map of objects (about 150 bytes each, 30 MB that grew for the
 * first hour of a soak and looked like a leak): a ring of slots, the oldest overwritten, and a
 * chained hash index over them.
 */
final class RecentEvents {
    private final int capacity;
    private final long[] idHigh;
    private final long[] idLow;
    private final long[] printHigh;
    private final long[] printLow;
    /** Per bucket, the first slot of its chain plus one (0: empty); per slot, the next slot of its chain plus one. */
    private final int[] bucketHead;
    private final int[] chainNext;
    private final long seed = new java.security.SecureRandom().nextLong();
    private int size;
    private int oldest;

    RecentEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        idHigh = new long[capacity];
        idLow = new long[capacity];
        printHigh = new long[capacity];
        printLow = new long[capacity];
        chainNext = new int[capacity];
        bucketHead = new int[Integer.highestOneBit(capacity * 2 - 1)];
    }

    /** Remembers the event; false when its eventId was seen with another type or payload (and then nothing changes). */
    boolean admit(EventIngestion.Accepted event) {
        byte[] fingerprint = fingerprint(event);
        return admit(event.event().envelope().eventId(), ByteBuffer.wrap(fingerprint).getLong(), ByteBuffer.wrap(fingerprint, 8, 8).getLong());
    }

    synchronized boolean admit(UUID eventId, long fingerprintHigh, long fingerprintLow) {
        long high = eventId.getMostSignificantBits();
        long low = eventId.getLeastSignificantBits();
        int bucket = bucket(high, low);
        for (int slot = bucketHead[bucket] - 1; slot >= 0; slot = chainNext[slot] - 1) {
            if (idHigh[slot] == high && idLow[slot] == low) {
                return printHigh[slot] == fingerprintHigh && printLow[slot] == fingerprintLow;
            }
        }
        int slot = oldest;
        if (size == capacity) {
            unlink(slot);
        } else {
            size++;
        }
        idHigh[slot] = high;
        idLow[slot] = low;
        printHigh[slot] = fingerprintHigh;
        printLow[slot] = fingerprintLow;
        chainNext[slot] = bucketHead[bucket];
        bucketHead[bucket] = slot + 1;
        oldest = (oldest + 1) % capacity;
        return true;
    }

    synchronized int size() {
        return size;
    }

    private void unlink(int slot) {
        int bucket = bucket(idHigh[slot], idLow[slot]);
        if (bucketHead[bucket] == slot + 1) {
            bucketHead[bucket] = chainNext[slot];
            return;
        }
        for (int s = bucketHead[bucket] - 1; s >= 0; s = chainNext[s] - 1) {
            if (chainNext[s] == slot + 1) {
                chainNext[s] = chainNext[slot];
                return;
            }
        }
    }

    private int bucket(long high, long low) {
        // eventIds are the client's: keyed by a secret of this process and mixed non-linearly, so that a hostile
        // client cannot choose ids that share one chain and make every admission walk all of them
        return (int) (mix(mix(high ^ seed) ^ low) >>> 32) & (bucketHead.length - 1);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static byte[] fingerprint(EventIngestion.Accepted event) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(event.event().envelope().type().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(event.payload());
            return Arrays.copyOf(digest.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
