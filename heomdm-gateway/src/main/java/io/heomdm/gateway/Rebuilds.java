package io.heomdm.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rebuilding a service's state from the log ({@code heomdm replay rebuild}), as the gateway asks it. */
public interface Rebuilds {
    /** A platform without Streams services: nothing to rebuild. */
    Rebuilds NONE = new Rebuilds() {
        @Override
        public List<String> services() {
            return List.of();
        }

        @Override
        public Optional<RebuildStatus> start(String service, Optional<Instant> from) {
            return Optional.empty();
        }

        @Override
        public Optional<RebuildStatus> status(String service) {
            return Optional.empty();
        }
    };

    /** The services that can be rebuilt, by the names the API takes. */
    List<String> services();

    /**
     * Starts rebuilding {@code service} from the beginning of its inputs or from {@code from}; empty
     * when there is no such service.
     *
     * @throws AlreadyRebuilding when that service's last rebuild has not finished
     */
    Optional<RebuildStatus> start(String service, Optional<Instant> from);

    /** The service's current or last rebuild; empty when there is no such service or it was never rebuilt. */
    Optional<RebuildStatus> status(String service);

    final class AlreadyRebuilding extends RuntimeException {
        public AlreadyRebuilding(String service) {
            super(service + " is being rebuilt; GET /v1/replay/rebuilds/" + service + " says how far it is");
        }
    }
}
