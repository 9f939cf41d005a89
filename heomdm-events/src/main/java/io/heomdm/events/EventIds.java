package io.heomdm.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Event ids: UUIDv7 (RFC 9562), so they sort by time of creation.
 *
 * <p>Thread-safe if the given {@link RandomGenerator} is.
 */
public final class EventIds {
    private final InstantSource clock;
    private final RandomGenerator random;

    public EventIds(InstantSource clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    public UUID next() {
        return v7(clock.millis(), random.nextLong(), random.nextLong());
    }

    /**
     * A deterministic id for the fact that {@code parent} causes under {@code purpose}: a
     * redelivered parent yields the same child id, so the child deduplicates downstream. It keeps
     * the parent's timestamp, so it is still a well-formed, time-ordered UUIDv7.
     */
    public static UUID derive(UUID parent, String purpose) {
        long parentMillis = parent.getMostSignificantBits() >>> 16;
        ByteBuffer hash = ByteBuffer.wrap(sha256(parent + "/" + purpose));
        return v7(parentMillis, hash.getLong(), hash.getLong());
    }

    /**
     * A deterministic id for a fact no event caused, e.g. one the clock caused at {@code millis}:
     * the same time and {@code purpose} give the same id.
     */
    public static UUID derive(long millis, String purpose) {
        ByteBuffer hash = ByteBuffer.wrap(sha256(millis + "/" + purpose));
        return v7(millis, hash.getLong(), hash.getLong());
    }

    /** Milliseconds since the epoch carried by a UUIDv7. */
    public static long timestampMillis(UUID v7) {
        return v7.getMostSignificantBits() >>> 16;
    }

    private static UUID v7(long millis, long randA, long randB) {
        long msb = (millis << 16) | 0x7000L | (randA & 0x0FFFL);
        long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
