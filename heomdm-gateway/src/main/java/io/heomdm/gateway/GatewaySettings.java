package io.heomdm.gateway;

import java.time.Duration;

/**
 * @param maxBodyBytes  larger request bodies are refused with 413 before they are read
 * @param maxBatchItems most events one NDJSON request may carry
 * @param ackTimeout    how long the gateway waits for Kafka's acknowledgement before answering 503
 */
public record GatewaySettings(String host, int port, int maxBodyBytes, int maxBatchItems, Duration ackTimeout, int threads) {
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
    }
}
