package io.heomdm.app;

import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.eventlog.streams.StreamsReset;
import io.heomdm.gateway.RebuildStatus;
import io.heomdm.gateway.Rebuilds;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one Streams application at a time per service, each in its own thread: reset
 * ({@link StreamsApp#rebuild}), then followed until its committed offsets reach the end of the log
 * as it was at the reset and it runs. The rest of the platform goes on meanwhile.
 */
final class Rebuilder implements Rebuilds {
    private static final Logger log = LoggerFactory.getLogger("heomdm");
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, StreamsApp> apps;
    private final KafkaSettings kafka;
    private final InstantSource clock;
    private final Map<String, RebuildStatus> statuses = new ConcurrentHashMap<>();

    /** @param apps the applications by the service names the API takes ({@link PlatformServices#GROUPS}' names) */
    Rebuilder(Map<String, StreamsApp> apps, KafkaSettings kafka, InstantSource clock) {
        this.apps = Map.copyOf(apps);
        this.kafka = kafka;
        this.clock = clock;
    }

    @Override
    public List<String> services() {
        return PlatformServices.GROUPS.keySet().stream().filter(apps::containsKey).toList();
    }

    @Override
    public Optional<RebuildStatus> start(String service, Optional<Instant> from) {
        StreamsApp app = apps.get(service);
        if (app == null) {
            return Optional.empty();
        }
        var started = new RebuildStatus(service, RebuildStatus.RESETTING, from.orElse(null), clock.instant(), null, 0, 0, null);
        RebuildStatus before = statuses.compute(service, (s, current) -> {
            if (current != null && !current.finished()) {
                throw new AlreadyRebuilding(service);
            }
            return started;
        });
        var thread = new Thread(() -> run(service, app, from, before), "rebuild-" + service);
        thread.setDaemon(true);
        thread.start();
        return Optional.of(before);
    }

    @Override
    public Optional<RebuildStatus> status(String service) {
        return Optional.ofNullable(statuses.get(service));
    }

    private void run(String service, StreamsApp app, Optional<Instant> from, RebuildStatus started) {
        log.info("Rebuilding {} ({}) from {}", service, app.applicationId(), from.map(Instant::toString).orElse("the beginning"));
        try {
            StreamsReset.Target target = app.rebuild(from);
            long records = target.records();
            long done = 0;
            while (true) {
                done = target.progress(kafka);
                statuses.put(service, new RebuildStatus(service, RebuildStatus.CATCHING_UP, started.from(), started.startedAt(), null, records, done,
                        null));
                if (done >= records && app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
                    break;
                }
                if (!app.isRunning()) {
                    throw new IllegalStateException(app.applicationId() + " stopped while it was rebuilt (state " + app.streams().state() + ")");
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
        }
    }

    private void failed(String service, RebuildStatus started, String error) {
        var last = statuses.get(service);
        statuses.put(service, new RebuildStatus(service, RebuildStatus.FAILED, started.from(), started.startedAt(), clock.instant(), last.records(),
                last.done(), error));
    }
}
