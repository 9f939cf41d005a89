package io.heomdm.app;

import java.util.ArrayList;
import java.util.List;
import io.heomdm.gateway.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services this process runs, as the composition root sees them: each with the stage it stops in and, if it has one, the
 * health check /health shows for it. They stop in the order a clean stop needs whatever the order they started in: intake first
 * (the API answers what is in flight and 503 to anything new), then the task handlers finish, then the consumers and the
 * Streams applications stop, then the outbox relay (it sends on what they wrote last), the clients, the database and last the
 * embedded servers. Within a stage, the last started stops first. Thread-safe; closing twice stops nothing twice.
 *
 * <p>The modules' own classes stay free of a lifecycle interface: each already has its close, and its isRunning and dead-letter
 * count where it has any; only this root needs to see them as one list.
 */
final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("heomdm");

    enum Stage { INTAKE, HANDLERS, CONSUMERS, STREAMS, RELAYS, CLIENTS, DATABASE, SERVERS }

    private record Part(Stage stage, String name, AutoCloseable resource) {
    }

    private final List<Part> parts = new ArrayList<>();
    private final List<HealthCheck> health = new ArrayList<>();

    /** A part with nothing to show on /health: a client, a server, the database pool. */
    synchronized void add(Stage stage, String name, AutoCloseable resource) {
        parts.add(new Part(stage, name, resource));
    }

    /** A service shown on /health, in the order services are added. */
    synchronized void add(Stage stage, AutoCloseable resource, HealthCheck check) {
        add(stage, check.name(), resource);
        health.add(check);
    }

    /** A check with nothing of its own to stop (a server, a queue client reached over the network). */
    synchronized void watch(HealthCheck check) {
        health.add(check);
    }

    /** What /health shows, in the order added; the gateway takes it when it starts, last. */
    synchronized List<HealthCheck> health() {
        return List.copyOf(health);
    }

    /** Stops every part, stage by stage, and says in one line of the log what took how long. */
    @Override
    public synchronized void close() {
        if (parts.isEmpty()) {
            return;
        }
        log.info("HEOMDM stopping (the API answers what is in flight; workers finish their current long poll, up to 10 s)");
        long started = System.nanoTime();
        List<String> steps = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            for (int i = parts.size() - 1; i >= 0; i--) {
                Part part = parts.get(i);
                if (part.stage() != stage) {
                    continue;
                }
                long t = System.nanoTime();
                try {
                    part.resource().close();
                } catch (Exception e) {
                    log.warn("while stopping {}: {}", part.name(), e.toString());
                }
                steps.add(part.name() + " " + millis(t) + " ms");
            }
        }
        parts.clear();
        log.info("HEOMDM stopped in {} ms: {}", millis(started), String.join(", ", steps));
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
