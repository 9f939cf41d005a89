package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.embedded.EmbeddedDatabase;
import io.heomdm.gateway.Unavailable;
import io.heomdm.storage.ApiKeys;
import io.heomdm.storage.AuditLog;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingestion needs Kafka, not the database: keys accepted before the database went away stay accepted a while; others, and the audit log, get 503. */
class KeyRingWhileTheDatabaseIsDownTest {
    @Test
    void aKnownKeyKeepsWorkingAndAnUnknownOneIsUnavailableNotAnError(@TempDir Path dir) {
        var now = new AtomicReference<>(Instant.parse("2026-12-05T10:00:00Z"));
        var h2 = EmbeddedDatabase.inDirectory(dir);
        var database = Database.open(new DatabaseSettings(h2.jdbcUrl(), h2.user(), h2.password(), 2));
        var keys = new ApiKeys(database, now::get, new SecureRandom());
        String key = keys.create("shop", Set.of("events:write"), Set.of("OrderPlaced"), Optional.empty()).key();
        var ring = Edge.keyRing(keys, now::get);
        var audit = Edge.auditTrail(new AuditLog(database, now::get));
        assertThat(ring.authenticate(key)).get().satisfies(p -> assertThat(p.name()).isEqualTo("shop"));

        database.close();
        now.set(now.get().plus(Duration.ofMinutes(10)));
        assertThat(ring.authenticate(key)).as("accepted before the outage").isPresent();
        assertThatThrownBy(() -> audit.record(null, "r-1", "segment.define", "s")).as("an admin action is answered 503, not 500")
                .isInstanceOf(Unavailable.class);
        assertThatThrownBy(() -> audit.recent(10)).isInstanceOf(Unavailable.class);
        assertThatThrownBy(() -> ring.authenticate("hk_00000000000000000000000000000000_" + "A".repeat(43)))
                .as("never seen: cannot be checked").isInstanceOf(Unavailable.class);
        now.set(now.get().plus(Edge.KEY_CACHE_WHILE_DOWN));
        assertThatThrownBy(() -> ring.authenticate(key)).as("too long ago").isInstanceOf(Unavailable.class);
    }
}
