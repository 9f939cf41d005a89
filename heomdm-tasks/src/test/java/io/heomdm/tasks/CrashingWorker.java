package io.heomdm.tasks;

import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.storage.Database;
import io.heomdm.storage.DatabaseSettings;
import io.heomdm.storage.ProcessedMessages;
import io.heomdm.taskqueue.QueueSpec;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskResult;
import io.heomdm.taskqueue.WorkerSettings;
import java.net.URI;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.SplittableRandom;

/**
 * A worker process for {@link CrashRecoveryIT}: it commits each new task's side effect together
 * with its idempotency row, then dies at once (halt: no shutdown hooks, no delete), as a process
 * killed between its database commit and its SQS delete would. A redelivered task finds its row
 * and is deleted without repeating the side effect.
 */
public final class CrashingWorker {
    static final String CONSUMER = "crash-test";

    public static QueueSpec<RecordBillingCharge> queue(String name) {
        return new QueueSpec<>(name, EventCatalog.RECORD_BILLING_CHARGE, false, Duration.ofSeconds(1), 1000);
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String queueName = args[1];
        var db = new DatabaseSettings(args[2], args[3], "", 2);
        var database = Database.open(db);
        var processed = new ProcessedMessages(database, InstantSource.system());
        var queue = new SqsTaskQueue(SqsSettings.local(endpoint), new SplittableRandom());
        var settings = WorkerSettings.defaults().withConcurrency(1).withLongPoll(Duration.ofSeconds(1));
        queue.startWorker(queue(queueName), task -> {
            var id = task.event().envelope().eventId();
            var outcome = processed.runOnce(CONSUMER, id, c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into crash_effects (task_id) values (?)")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
                return null;
            });
            if (outcome == ProcessedMessages.Outcome.DONE_NOW) {
                Runtime.getRuntime().halt(42);
            }
            database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into crash_redeliveries (task_id, receives) values (?, ?)")) {
                    ps.setObject(1, id);
                    ps.setInt(2, task.receiveCount());
                    ps.executeUpdate();
                }
                return null;
            });
            return TaskResult.done();
        }, settings);
        Thread.currentThread().join();
    }
}
