package io.heomdm.app;

import io.heomdm.events.Daemons;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.eventlog.streams.StreamsReset;
import io.heomdm.gateway.RebuildStatus;
import io.heomdm.gateway.Rebuilds;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one service at a time per name, each in its own thread: reset ({@link Rebuildable#rebuild}),
 * then followed until its committed offsets reach the end of the log as it was at the reset and it
 * is ready. The rest of the platform goes on meanwhile.
 */
final class Rebuilder implements Rebuilds {
    private static final Logger log = LoggerFactory.getLogger("heomdm");
    private static final Duration POLL = Duration.ofMillis(500);

    /** What can be rebuilt from the log: a Streams application, the reporting projection. */
    interface Rebuildable {
        StreamsReset.Target rebuild(Optional<Instant> from);

        /** Running (for a Streams application: running or rebalancing); false means the rebuild failed. */
        boolean isRunning();

        /** Ready to answer queries once it has caught up (for a Streams application: RUNNING). */
        boolean isReady();

        /** The rebuild read up to the end of the log as it was at the reset, or failed: answer queries again. */
        void caughtUp();

        static Rebuildable of(StreamsApp app) {
            return new Rebuildable() {
                @Override
                public StreamsReset.Target rebuild(Optional<Instant> from) {
                    return app.rebuild(from);
                }

                @Override
                public boolean isRunning() {
                    return app.isRunning();
                }

                @Override
                public boolean isReady() {
                    return app.streams().state() == KafkaStreams.State.RUNNING;
                }

                @Override
                public void caughtUp() {
                    app.caughtUp();
                }
            };
        }

        static Rebuildable of(ReportsProjection reports) {
            return new Rebuildable() {
                @Override
                public StreamsReset.Target rebuild(Optional<Instant> from) {
                    return reports.rebuild(from);
                }

                @Override
                public boolean isRunning() {
                    return reports.isRunning();
                }

                @Override
                public boolean isReady() {
                    return reports.isRunning();
                }

                @Override
                public void caughtUp() {
                    reports.caughtUp();
                }
            };
        }
    }

    private final Map<String, Rebuildable> services;
    private final KafkaSettings kafka;
    private final InstantSource clock;
    private final Map<String, RebuildStatus> statuses = new ConcurrentHashMap<>();

    /** @param services by the names the API takes, in the order it lists them */
    Rebuilder(Map<String, Rebuildable> services, KafkaSettings kafka, InstantSource clock) {
        this.services = new LinkedHashMap<>(services);
        this.kafka = kafka;
        this.clock = clock;
    }

    /** The platform's Streams applications by their service names ({@link PlatformServices#GROUPS}' order), then the reports. */
    static Rebuilder of(Map<String, StreamsApp> apps, ReportsProjection reports, KafkaSettings kafka, InstantSource clock) {
        Map<String, Rebuildable> services = new LinkedHashMap<>();
        PlatformServices.GROUPS.keySet().stream().filter(apps::containsKey).forEach(name -> services.put(name, Rebuildable.of(apps.get(name))));
        services.put("reports", Rebuildable.of(reports));
        return new Rebuilder(services, kafka, clock);
    }

    @Override
    public List<String> services() {
        return new ArrayList<>(services.keySet());
    }

    @Override
    public Optional<RebuildStatus> start(String service, Optional<Instant> from) {
        Rebuildable target = services.get(service);
        if (target == null) {
            return Optional.empty();
        }
        var started = new RebuildStatus(service, RebuildStatus.RESETTING, from.orElse(null), clock.instant(), null, 0, 0, null);
        RebuildStatus before = statuses.compute(service, (s, current) -> {
            if (current != null && !current.finished()) {
                throw new AlreadyRebuilding(service);
            }
            return started;
        });
        Daemons.start("rebuild-" + service, () -> run(service, target, from, before));
        return Optional.of(before);
    }

    @Override
    public Optional<RebuildStatus> status(String service) {
        return Optional.ofNullable(statuses.get(service));
    }

    private void run(String service, Rebuildable target, Optional<Instant> from, RebuildStatus started) {
        log.info("Rebuilding {} from {}", service, from.map(Instant::toString).orElse("the beginning"));
        try {
            StreamsReset.Target reset = target.rebuild(from);
            long records = reset.records();
            long done;
            while (true) {
                done = reset.progress(kafka);
                statuses.put(service, new RebuildStatus(service, RebuildStatus.CATCHING_UP, started.from(), started.startedAt(), null, records, done,
                        null));
                if (done >= records && target.isReady()) {
                    break;
                }
                if (!target.isRunning()) {
                    throw new IllegalStateException(service + " stopped while it was rebuilt");
                }
                Thread.sleep(POLL.toMillis());
            }
            Instant finished = clock.instant();
            statuses.put(service, new RebuildStatus(service, RebuildStatus.DONE, started.from(), started.startedAt(), finished, records, done, null));
            log.info("Rebuilt {}: {} records in {} ms", service, records, Duration.between(started.startedAt(), finished).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(service, started, "interrupted");
        } catch (RuntimeException e) {
            log.error("Rebuilding {} failed: {}", service, e.getMessage(), e);
            failed(service, started, e.getMessage());
        } finally {
            // a failed rebuild answers again too: with what it has, rather than 503 for good
            target.caughtUp();
        }
    }

    private void failed(String service, RebuildStatus started, String error) {
        var last = statuses.get(service);
        statuses.put(service, new RebuildStatus(service, RebuildStatus.FAILED, started.from(), started.startedAt(), clock.instant(), last.records(),
                last.done(), error));
    }
}
