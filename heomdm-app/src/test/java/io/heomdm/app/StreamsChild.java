package io.heomdm.app;

import io.heomdm.analytics.Analytics;
import io.heomdm.decisions.Decisions;
import io.heomdm.eventlog.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The analytics and decisions applications alone in a JVM of their own, configured as the platform
 * configures them, so that {@link StreamsCrashIT} can SIGKILL them: {@code <bootstrap> <state dir>}.
 * Prints {@code RUNNING} once both are.
 */
public final class StreamsChild {
    /**
     * The settings of the child and of the instance that follows it: one static member of each
     * application's group (KIP-345), so that a restarted instance takes its killed predecessor's place
     * at once instead of after its session times out.
     */
    static KafkaSettings kafka(String bootstrap) {
        return new KafkaSettings(bootstrap, Map.of("group.instance.id", "crash-child", "session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"),
                Duration.ofSeconds(10), (short) 1, 1);
    }

    public static void main(String[] args) throws Exception {
        var config = ConfigLoader.load(Optional.empty(), Map.of());
        var kafka = kafka(args[0]);
        Path state = Path.of(args[1]);
        var a = config.analytics();
        var d = config.decisions();
        var analytics = Analytics.start(kafka, state.resolve("analytics"), 1, a.settings(), a.catalog(), a.demand().settings(),
                io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT, Duration.ofSeconds(60), InstantSource.system(), new SplittableRandom(1));
        var decisions = Decisions.start(kafka, state.resolve("decisions"), 1, d.pricing().settings(), d.recommendations().settings(),
                d.pricing().priceTests(), io.heomdm.eventlog.streams.Deduplicator.Window.DEFAULT, Duration.ofSeconds(60), InstantSource.system(), new SplittableRandom(2));
        System.out.println("RUNNING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
        analytics.close();
        decisions.close();
    }
}
