package io.heomdm.gateway;

/** A layer behind the API cannot answer now (disabled, starting, or its stores are moving in a rebalance): 503 with Retry-After. */
public final class Unavailable extends RuntimeException {
    private final String service;

    /** @param service what cannot answer (analytics, decisions): it names the problem type */
    public Unavailable(String service, String message) {
        super(message);
        this.service = service;
    }

    public String service() {
        return service;
    }
}
