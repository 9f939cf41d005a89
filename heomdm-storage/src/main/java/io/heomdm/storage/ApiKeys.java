package io.heomdm.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * API keys, kept as a SHA-256 hash: {@code hk_<id>_<secret>}, 128 random bits of id (found by
 * primary key) and 256 of secret. The key itself is returned once, at creation. Thread-safe.
 *
 * <p>The last-used time is written at most once a minute per key, so that a busy key does not
 * write a row per request.
 */
public final class ApiKeys {
    private static final Pattern FORMAT = Pattern.compile("hk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})");
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Database database;
    private final InstantSource clock;
    private final SecureRandom random;
    private final ConcurrentHashMap<String, Instant> touched = new ConcurrentHashMap<>();

    public ApiKeys(Database database, InstantSource clock, SecureRandom random) {
        this.database = database;
        this.clock = clock;
        this.random = random;
    }

    /** A key as stored (never its secret). */
    public record StoredKey(String id, String name, Set<String> scopes, Set<String> eventTypes, Instant createdAt, Instant expiresAt,
            Instant revokedAt, Instant lastUsedAt) {
    }

    /** A new key: {@code key} is shown to its owner once and kept nowhere. */
    public record Created(StoredKey stored, String key) {
    }

    public Created create(String name, Set<String> scopes, Set<String> eventTypes, Optional<Instant> expiresAt) {
        byte[] idBytes = new byte[16];
        byte[] secret = new byte[32];
        random.nextBytes(idBytes);
        random.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String key = "hk_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        var stored = new StoredKey(id, name, new TreeSet<>(scopes), new TreeSet<>(eventTypes), now, expiresAt.orElse(null), null, null);
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into api_keys (key_id, name, key_hash, scopes, event_types, created_at, expires_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setString(3, hash(key));
                ps.setString(4, String.join(",", stored.scopes()));
                ps.setString(5, String.join(",", stored.eventTypes()));
                ps.setTimestamp(6, Timestamp.from(now));
                ps.setTimestamp(7, expiresAt.map(Timestamp::from).orElse(null));
                ps.executeUpdate();
            }
            return null;
        });
        return new Created(stored, key);
    }

    /** The key's record when the key is one of ours, not revoked and not expired. */
    public Optional<StoredKey> authenticate(String presented) {
        var m = FORMAT.matcher(presented);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<StoredKey> found = database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from api_keys where key_id = ?")) {
                ps.setString(1, m.group(1));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !MessageDigest.isEqual(rs.getString("key_hash").getBytes(StandardCharsets.US_ASCII),
                            hash(presented).getBytes(StandardCharsets.US_ASCII))) {
                        return Optional.empty();
                    }
                    return Optional.of(read(rs));
                }
            }
        });
        Instant now = clock.instant();
        var valid = found.filter(k -> k.revokedAt() == null && (k.expiresAt() == null || now.isBefore(k.expiresAt())));
        valid.ifPresent(k -> touch(k.id(), now));
        return valid;
    }

    private void touch(String id, Instant now) {
        Instant last = touched.get(id);
        if (last != null && now.isBefore(last.plus(TOUCH_EVERY))) {
            return;
        }
        touched.put(id, now);
        try {
            database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("update api_keys set last_used_at = ? where key_id = ?")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, id);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            touched.remove(id); // bookkeeping only: a request is not refused because its last-used time could not be written
        }
    }

    public List<StoredKey> list() {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select * from api_keys order by created_at, key_id");
                    ResultSet rs = ps.executeQuery()) {
                List<StoredKey> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        });
    }

    /** False when there is no such key or it was revoked before. */
    public boolean revoke(String id) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update api_keys set revoked_at = ? where key_id = ? and revoked_at is null")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static StoredKey read(ResultSet rs) throws SQLException {
        return new StoredKey(rs.getString("key_id"), rs.getString("name"), split(rs.getString("scopes")), split(rs.getString("event_types")),
                instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "revoked_at"), instant(rs, "last_used_at"));
    }

    private static Set<String> split(String csv) {
        return csv.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(csv.split(",")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
