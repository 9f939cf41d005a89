package io.heomdm.app;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the platform started, stopped in the order a clean stop needs whatever the order it started
 * in: intake first (the API answers what is in flight and 503 to anything new), then the task
 * handlers finish, then the consumers and the Streams applications stop, then the outbox relay (it
 * sends on what they wrote last), the clients, the database and last the embedded servers.
 * Within a stage, the last started stops first. Thread-safe; closing twice stops nothing twice.
 */
final class StagedShutdown implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("heomdm");

    enum Stage { INTAKE, HANDLERS, CONSUMERS, STREAMS, RELAYS, CLIENTS, DATABASE, SERVERS }

    private record Part(Stage stage, String name, AutoCloseable resource) {
    }

    private final List<Part> parts = new ArrayList<>();

    synchronized void add(Stage stage, String name, AutoCloseable resource) {
        parts.add(new Part(stage, name, resource));
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
