package io.heomdm.taskqueue.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** A queue worker's meters, tagged with the queue's name. */
public record WorkerMetrics(Counter received, Counter succeeded, Counter retried, Counter deadLettered, Counter heartbeats,
        Timer handlerDuration) {

    public static WorkerMetrics register(MeterRegistry registry, String queue) {
        return new WorkerMetrics(
                counter(registry, "heomdm.tasks.received", queue, "messages received"),
                counter(registry, "heomdm.tasks.succeeded", queue, "tasks done and deleted"),
                counter(registry, "heomdm.tasks.retried", queue, "tasks given back for a later attempt"),
                counter(registry, "heomdm.tasks.dead.lettered", queue, "poison tasks moved to the dead-letter queue by the worker"),
                counter(registry, "heomdm.tasks.heartbeats", queue, "visibility extensions of tasks still running"),
                Timer.builder("heomdm.tasks.handler").tag("queue", queue).description("time a handler took")
                        .publishPercentiles(0.5, 0.99).register(registry));
    }

    private static Counter counter(MeterRegistry registry, String name, String queue, String description) {
        return Counter.builder(name).tag("queue", queue).description(description).register(registry);
    }
}
