package io.heomdm.app;

import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventKind;
import io.heomdm.events.EventType;
import io.heomdm.gateway.AuditTrail;
import io.heomdm.gateway.CustomerQueries;
import io.heomdm.gateway.KeyAdmin;
import io.heomdm.gateway.KeyRing;
import io.heomdm.gateway.Principal;
import io.heomdm.gateway.Scope;
import io.heomdm.gateway.Unavailable;
import io.heomdm.storage.ApiKeys;
import io.heomdm.storage.AuditLog;
import io.heomdm.storage.CampaignBudgets;
import io.heomdm.storage.CampaignDeliveries;
import io.heomdm.storage.CustomerMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The gateway's ports on the platform's storage: API keys, the audit log, customers' messages and campaigns' counts. */
final class Edge {

    /**
     * The API key a command sends: HEOMDM_API_KEY, or the first admin key of the data directory the
     * configuration names — never a command-line argument, which other users of the machine can see.
     *
     * @param needed what key the command needs, for the error when there is none
     */
    static String commandLineKey(Optional<Path> config, String needed) throws IOException {
        String key = System.getenv("HEOMDM_API_KEY");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        HeomdmConfig cfg = ConfigLoader.load(config, System.getenv());
        Path file = Path.of(cfg.dataDir()).resolve(ADMIN_KEY_FILE);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("set HEOMDM_API_KEY to " + needed + "; " + file + " is not readable either");
        }
        return Files.readString(file).trim();
    }
    /** What a shop's key may post unless told otherwise: its customers' activity, not campaigns, suppressions or prices. */
    static final Set<String> SHOP_EVENT_TYPES = Set.of("ProductViewed", "CartItemAdded", "CartItemRemoved", "OrderPlaced", "CustomerUpdated");
    /** How long an authenticated key is believed without asking the database: a revocation takes effect within this. */
    static final Duration KEY_CACHE = Duration.ofSeconds(5);
    /** How long a key accepted before the database went away is still accepted: a revocation meanwhile waits for the database. */
    static final Duration KEY_CACHE_WHILE_DOWN = Duration.ofMinutes(30);
    static final String ADMIN_KEY_FILE = "admin.key";

    private Edge() {
    }

    /** Every event type a client can post (not derived events, tasks or outcomes). */
    static Set<String> postableTypes() {
        return EventCatalog.all().stream().filter(t -> t.kind() == EventKind.EVENT).map(EventType::name).collect(Collectors.toSet());
    }

    /**
     * Keys checked against the database, each result believed for {@link #KEY_CACHE}. While the
     * database does not answer, a key it accepted within {@link #KEY_CACHE_WHILE_DOWN} is still
     * accepted (ingestion needs Kafka, not the database), and any other is answered 503, not 500.
     */
    static KeyRing keyRing(ApiKeys keys, InstantSource clock) {
        record Cached(Optional<Principal> principal, Instant at) {
        }
        var cache = new ConcurrentHashMap<String, Cached>();
        return presented -> {
            Instant now = clock.instant();
            Cached hit = cache.get(presented);
            if (hit != null && now.isBefore(hit.at().plus(KEY_CACHE))) {
                return hit.principal();
            }
            Optional<Principal> principal;
            try {
                principal = keys.authenticate(presented).map(Edge::principal);
            } catch (RuntimeException databaseDown) {
                if (hit != null && hit.principal().isPresent() && now.isBefore(hit.at().plus(KEY_CACHE_WHILE_DOWN))) {
                    return hit.principal();
                }
                throw new Unavailable("keys", "API keys cannot be checked now (the database does not answer); retry shortly");
            }
            if (cache.size() > 10_000) {
                cache.clear(); // a flood of made-up keys must not grow the cache without bound
            }
            cache.put(presented, new Cached(principal, now));
            return principal;
        };
    }

    static Principal principal(ApiKeys.StoredKey k) {
        Set<Scope> scopes = k.scopes().stream().map(Scope::byLabel).flatMap(Optional::stream).collect(Collectors.toSet());
        return new Principal(k.id(), k.name(), scopes, k.eventTypes());
    }

    static KeyAdmin keyAdmin(ApiKeys keys, InstantSource clock) {
        return new KeyAdmin() {
            @Override
            public Created create(String name, Set<Scope> scopes, Set<String> eventTypes, Optional<Duration> validFor) {
                var c = keys.create(name, scopes.stream().map(Scope::label).collect(Collectors.toSet()), eventTypes,
                        validFor.map(d -> clock.instant().plus(d)));
                return new Created(info(c.stored()), c.key());
            }

            @Override
            public List<KeyInfo> list() {
                return keys.list().stream().map(Edge::info).toList();
            }

            @Override
            public boolean revoke(String keyId) {
                return keys.revoke(keyId);
            }
        };
    }

    private static KeyAdmin.KeyInfo info(ApiKeys.StoredKey k) {
        return new KeyAdmin.KeyInfo(k.id(), k.name(), k.scopes(), k.eventTypes(), k.createdAt(), k.expiresAt(), k.revokedAt(), k.lastUsedAt());
    }

    static AuditTrail auditTrail(AuditLog log) {
        return new AuditTrail() {
            @Override
            public void record(Principal who, String requestId, String action, String target) {
                try {
                    log.record(who == null ? null : who.keyId(), who == null ? null : who.name(), requestId, action, target);
                } catch (RuntimeException databaseDown) {
                    throw new Unavailable("audit", "the audit log cannot be written now (the database does not answer); retry shortly");
                }
            }

            @Override
            public List<Entry> recent(int limit) {
                try {
                    return log.recent(limit).stream().map(e -> new Entry(e.id(), e.at(), e.keyId(), e.keyName(), e.requestId(), e.action(), e.target())).toList();
                } catch (RuntimeException databaseDown) {
                    throw new Unavailable("audit", "the audit log cannot be read now (the database does not answer); retry shortly");
                }
            }
        };
    }

    static CustomerQueries customerQueries(CustomerMessages messages, CampaignDeliveries deliveries, CampaignBudgets budgets, InstantSource clock) {
        return new CustomerQueries() {
            @Override
            public List<Message> messages(String customerId, int limit) {
                return messages.forCustomer(customerId, limit).stream().map(m -> new Message(m.messageId(), m.customerId(), m.channel(),
                        m.recipient(), m.template(), m.subject(), m.status(), m.correlationId(), m.traceparent(), m.createdAt())).toList();
            }

            @Override
            public List<Delivery> deliveries(String customerId, int limit) {
                return deliveries.forCustomer(customerId, limit).stream().map(d -> new Delivery(d.decisionId(), d.deliveryId(), d.customerId(),
                        d.source(), d.step(), d.channel(), d.template(), d.outcome(), d.reason(), d.deferredUntil(), d.decidedAt())).toList();
            }

            @Override
            public CampaignStats campaignStats(String id) {
                var s = deliveries.stats(id);
                return new CampaignStats(s.id(), s.outcomes(), s.reasons());
            }

            @Override
            public Optional<Budget> campaignBudget(String id) {
                return budgets.find(id, clock.instant()).map(b -> new Budget(b.campaignId(), b.accountId(), b.budget(), b.dailyCap(),
                        b.currency(), b.reserved(), b.spent(), b.admittedToday()));
            }
        };
    }

    /**
     * On a database without keys, an admin key, written to {@code <data>/admin.key} (readable by
     * its owner only) and returned to be printed once; empty when keys exist.
     */
    static Optional<String> firstAdminKey(ApiKeys keys, Path dataDir) {
        if (!keys.list().isEmpty()) {
            return Optional.empty();
        }
        var created = keys.create("admin (first start)", Set.of(Scope.ADMIN.label()), postableTypes(), Optional.empty());
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(ADMIN_KEY_FILE);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system
            }
            Files.writeString(file, created.key() + System.lineSeparator());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the first admin key to " + dataDir.resolve(ADMIN_KEY_FILE) + ": " + e.getMessage(), e);
        }
        return Optional.of(created.key());
    }
}
