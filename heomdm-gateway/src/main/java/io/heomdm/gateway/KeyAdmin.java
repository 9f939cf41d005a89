package io.heomdm.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Creating, listing and revoking API keys over the API (admin); the launcher wires in the store of hashed keys. */
public interface KeyAdmin {
    /** A new key, valid for {@code validFor} from now (empty: until revoked); {@code key} is the secret, shown once. */
    Created create(String name, Set<Scope> scopes, Set<String> eventTypes, Optional<Duration> validFor);

    List<KeyInfo> list();

    /** False when there is no such active key. */
    boolean revoke(String keyId);

    record KeyInfo(String id, String name, Set<String> scopes, Set<String> eventTypes, Instant createdAt, Instant expiresAt, Instant revokedAt,
            Instant lastUsedAt) {
    }

    record Created(KeyInfo info, String key) {
    }
}
