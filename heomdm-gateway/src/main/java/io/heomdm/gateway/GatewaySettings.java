package io.heomdm.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * @param maxBodyBytes  larger request bodies are refused with 413 before they are read
 * @param maxBatchItems most events one NDJSON request may carry
 * @param ackTimeout    how long the gateway waits for Kafka's acknowledgement before answering 503
 * @param threads       requests handled at once; more wait (up to {@code limits.maxQueued}) or get 503
 * @param allowedHosts  Host header values (without port) the API answers; empty: any. Keeps a web
 *                      page from reaching a local instance through DNS rebinding.
 * @param tls           HTTPS instead of HTTP, with this key store
 */
public record GatewaySettings(String host, int port, int maxBodyBytes, int maxBatchItems, Duration ackTimeout, int threads,
        Limits limits, List<String> allowedHosts, Optional<Tls> tls) {
    public GatewaySettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1024");
        }
        if (maxBatchItems < 1) {
            throw new IllegalArgumentException("maxBatchItems must be >= 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** A PKCS#12 or JKS key store holding the server's certificate and key; the password best comes from the environment. */
    public record Tls(Path keyStore, String keyStorePassword) {
        @Override
        public String toString() {
            return "Tls[" + keyStore + "]"; // never the password
        }
    }

    /**
     * @param idleTimeout           a connection that sends nothing this long is closed
     * @param bodyTimeout           a body read that gets nothing this long fails (408), freeing its thread
     * @param maxHeaderBytes        request line and headers; larger: 431
     * @param minBodyBytesPerSecond a body arriving slower is abandoned (408), so a slow client cannot hold a thread
     * @param maxQueued             requests waiting for a thread; past that: 503 with Retry-After
     * @param maxQueueWait          how long a request may wait for a thread before 503
     * @param requestsPerSecond     per API key, refilled continuously (a token bucket); over it: 429 with Retry-After
     * @param burst                 the bucket's size: requests a key may make at once after a quiet spell
     */
    public record Limits(Duration idleTimeout, Duration bodyTimeout, int maxHeaderBytes, int minBodyBytesPerSecond, int maxQueued, Duration maxQueueWait,
            int requestsPerSecond, int burst, int failedKeysPerMinute) {
        /** 20 invalid API keys a minute per address: 2^256 keys are not guessed at that rate, and the key ring is spared. */
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(30), Duration.ofSeconds(5), 16 * 1024, 1024, 256, Duration.ofSeconds(5), 1000, 2000, 20);
        }

        public Limits withFailedKeys(int perMinute) {
            return new Limits(idleTimeout, bodyTimeout, maxHeaderBytes, minBodyBytesPerSecond, maxQueued, maxQueueWait, requestsPerSecond, burst,
                    perMinute);
        }

        public Limits withQueue(int maxQueued, Duration maxQueueWait) {
            return new Limits(idleTimeout, bodyTimeout, maxHeaderBytes, minBodyBytesPerSecond, maxQueued, maxQueueWait, requestsPerSecond, burst,
                    failedKeysPerMinute);
        }

        public Limits withRate(int requestsPerSecond, int burst) {
            return new Limits(idleTimeout, bodyTimeout, maxHeaderBytes, minBodyBytesPerSecond, maxQueued, maxQueueWait, requestsPerSecond, burst,
                    failedKeysPerMinute);
        }

        public Limits withBodyTimeout(Duration bodyTimeout) {
            return new Limits(idleTimeout, bodyTimeout, maxHeaderBytes, minBodyBytesPerSecond, maxQueued, maxQueueWait, requestsPerSecond, burst,
                    failedKeysPerMinute);
        }
    }

    /** Loopback-only settings with the default limits (tests and embedded use). */
    public static GatewaySettings local(int port, int maxBodyBytes, int maxBatchItems, Duration ackTimeout, int threads) {
        return new GatewaySettings("127.0.0.1", port, maxBodyBytes, maxBatchItems, ackTimeout, threads, Limits.defaults(),
                List.of("127.0.0.1", "localhost", "[::1]"), Optional.empty());
    }

    public GatewaySettings withLimits(Limits limits) {
        return new GatewaySettings(host, port, maxBodyBytes, maxBatchItems, ackTimeout, threads, limits, allowedHosts, tls);
    }

    public GatewaySettings withTls(Tls tls) {
        return new GatewaySettings(host, port, maxBodyBytes, maxBatchItems, ackTimeout, threads, limits, allowedHosts, Optional.of(tls));
    }
}
