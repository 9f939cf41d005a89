package io.heomdm.gateway;

import java.util.Optional;

/** Checks a presented API key; the launcher wires in the store of hashed keys. */
public interface KeyRing {
    /** The key's principal when the key exists, is not revoked and has not expired; empty otherwise. */
    Optional<Principal> authenticate(String presentedKey);
}
