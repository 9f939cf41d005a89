package io.heomdm.app;

import io.heomdm.app.catalog.PlatformDataflows;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.Event;
import io.heomdm.storage.Outbox;
import io.heomdm.storage.OutboxRelay;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.TaskQueue;
import io.heomdm.taskqueue.TaskQueues;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Where the outbox relay sends a row: the topic or the queue it names, and which of their failures mean they are away. */
final class OutboxDestinations {
    private OutboxDestinations() {
    }

    /** Topics by name (every topic a service may write through the outbox) and queues by name. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static OutboxRelay.Destinations of(KafkaEventPublisher publisher, TaskQueue taskQueue) {
        Map<String, TopicSpec> topics = PlatformDataflows.topics();
        Map<String, QueueSpec<?>> queues = new java.util.HashMap<>();
        TaskQueues.all().forEach(q -> queues.put(q.name(), q));
        return new OutboxRelay.Destinations() {
            @Override
            public CompletableFuture<?> publish(Outbox.Entry entry) {
                if (entry.topicName() != null) {
                    TopicSpec topic = topics.get(entry.topicName());
                    if (topic == null) {
                        throw new IllegalStateException("outbox row " + entry.seq() + " names an unknown topic " + entry.topicName());
                    }
                    return publisher.publish(topic, entry.event());
                }
                QueueSpec queue = queues.get(entry.queueName());
                if (queue == null) {
                    throw new IllegalStateException("outbox row " + entry.seq() + " names an unknown queue " + entry.queueName());
                }
                return taskQueue.send(queue, (Event) entry.event());
            }

            /** Kafka's retriable errors (no leader, not enough replicas, timed out) and SQS down or overloaded, besides timeouts and I/O. */
            @Override
            public boolean away(Throwable failure) {
                return OutboxRelay.Destinations.super.away(failure) || OutboxRelay.Destinations.causedBy(failure,
                        c -> c instanceof org.apache.kafka.common.errors.RetriableException || taskQueue.unavailable(c));
            }
        };
    }
}
