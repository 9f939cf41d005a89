package io.heomdm.embedded.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Waits until a Kafka cluster answers with the expected number of live brokers. */
public final class KafkaReadiness {
    private KafkaReadiness() {
    }

    public static void await(String bootstrap, int brokers, Duration timeout) {
        await(bootstrap, brokers, timeout, Map.of());
    }

    /** @param clientProperties what a client needs to be let in (SASL on a secured node) */
    public static void await(String bootstrap, int brokers, Duration timeout, Map<String, Object> clientProperties) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        // first a listening port: an admin client aimed at a broker still starting warns on every retry
        String first = bootstrap.split(",")[0];
        int colon = first.lastIndexOf(':');
        while (System.nanoTime() < deadline && !listening(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)))) {
            sleep(100);
        }
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000"));
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                try {
                    int live = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
                    if (live >= brokers) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka at " + bootstrap + " did not have " + brokers + " live brokers within " + timeout, last);
    }

    private static boolean listening(String host, int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
