package io.heomdm.gateway;

import io.heomdm.eventlog.EventPublisher;
import io.heomdm.events.EventIds;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/** Backends for a gateway under test: fixed keys, an audit trail in memory, no analytics, decisions or campaigns. */
final class TestBackends {
    static final String ADMIN = "admin-key";
    static final String SHOP = "shop-key";
    static final String READER = "reader-key";
    static final String PII_READER = "pii-key";
    static final Set<String> SHOP_TYPES = Set.of("OrderPlaced", "ProductViewed", "CartItemAdded", "CartItemRemoved", "CustomerUpdated");
    static final Map<String, Principal> KEYS = Map.of(
            ADMIN, new Principal("k-admin", "admin", Set.of(Scope.ADMIN), Set.of()),
            SHOP, new Principal("k-shop", "shop", Set.of(Scope.EVENTS_WRITE), SHOP_TYPES),
            READER, new Principal("k-reader", "reader", Set.of(Scope.READ), Set.of()),
            PII_READER, new Principal("k-pii", "pii", Set.of(Scope.PII_READ, Scope.EVENTS_WRITE), SHOP_TYPES));

    static final List<String> AUDITED = Collections.synchronizedList(new ArrayList<>());

    static final AuditTrail AUDIT = new AuditTrail() {
        @Override
        public void record(Principal who, String requestId, String action, String target) {
            AUDITED.add(who.name() + " " + action + " " + target);
        }

        @Override
        public List<Entry> recent(int limit) {
            return List.of();
        }
    };

    static final CustomerQueries NO_CUSTOMERS = new CustomerQueries() {
        @Override
        public List<Message> messages(String customerId, int limit) {
            return List.of();
        }

        @Override
        public List<Delivery> deliveries(String customerId, int limit) {
            return List.of();
        }

        @Override
        public CampaignStats campaignStats(String id) {
            return new CampaignStats(id, Map.of(), Map.of());
        }

        @Override
        public Optional<Budget> campaignBudget(String id) {
            return Optional.empty();
        }
    };

    /** Keys made over the API in tests: kept in memory, never valid for requests (those use {@link #KEYS}). */
    static final KeyAdmin KEY_ADMIN = new KeyAdmin() {
        private final Map<String, KeyInfo> made = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Created create(String name, Set<Scope> scopes, Set<String> eventTypes, Optional<java.time.Duration> validFor) {
            String id = "k" + made.size();
            var info = new KeyInfo(id, name, scopes.stream().map(Scope::label).collect(java.util.stream.Collectors.toSet()), eventTypes,
                    java.time.Instant.EPOCH, null, null, null);
            made.put(id, info);
            return new Created(info, "hk_test_" + id);
        }

        @Override
        public List<KeyInfo> list() {
            return List.copyOf(made.values());
        }

        @Override
        public boolean revoke(String keyId) {
            return made.remove(keyId) != null;
        }
    };

    private TestBackends() {
    }

    static Backends with(EventPublisher publisher) {
        return new Backends(new EventIngestion(new EventIds(InstantSource.system(), new SplittableRandom(1)), InstantSource.system()), publisher,
                NO_CUSTOMERS, AnalyticsQueries.DISABLED, DecisionQueries.DISABLED, JourneyQueries.DISABLED, List.of(HealthCheck.of("kafka", () -> true)),
                presented -> Optional.ofNullable(KEYS.get(presented)), KEY_ADMIN, AUDIT);
    }
}
