package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.embedded.EmbeddedSqs;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventIds;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.storage.Database;
import io.heomdm.storage.PostgresSchema;
import io.heomdm.taskqueue.SqsSettings;
import io.heomdm.taskqueue.SqsTaskQueue;
import io.heomdm.taskqueue.TaskQueue;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes killed after their database commit and before their delete, again and again:
 * every side effect must still happen exactly once. Each task kills one process, so the number of
 * tasks is the number of kills: {@code -Dheomdm.crash.tasks} (200 by default, as in CI).
 * Runs on the PostgreSQL of the storage tests, in a schema of its own.
 */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
class CrashRecoveryIT {
    static final int TASKS = Integer.getInteger("heomdm.crash.tasks", 200);
    static final int PROCESSES = 2;
    @TempDir
    Path dir;

    @Test
    void sideEffectsHappenExactlyOnceAcrossProcessKills() throws Exception {
        try (var schema = PostgresSchema.create("heomdm_crash");
                var database = schema.open(2);
                var sqs = EmbeddedSqs.start(0, Optional.empty());
                var queue = new SqsTaskQueue(SqsSettings.local(sqs.endpoint()), new SplittableRandom(1))) {
            database.inTransaction(c -> {
                c.createStatement().execute("create table crash_effects (task_id uuid not null)");
                c.createStatement().execute("create table crash_redeliveries (task_id uuid not null, receives int not null)");
                return null;
            });
            var spec = CrashingWorker.queue("crash");
            queue.declare(spec);
            var ids = new EventIds(InstantSource.system(), new SplittableRandom(2));
            List<Event<RecordBillingCharge>> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                var id = ids.next();
                tasks.add(new Event<>(new Envelope(id, "RecordBillingCharge", 1, "acct", Instant.now(), null, null, null),
                        RecordBillingCharge.newBuilder().setChargeId("charge-" + i).setAccountId("acct").setAmount(BigDecimal.ONE.setScale(2)).build()));
            }
            queue.sendAll(spec, tasks).get();

            int kills = 0;
            List<Process> running = new ArrayList<>();
            // about 2 s per kill here (a JVM start each): allow 6 s, and never less than 20 minutes
            Duration allowed = Duration.ofSeconds(Math.max(1200, TASKS * 6L));
            long deadline = System.nanoTime() + allowed.toNanos();
            long started = System.nanoTime();
            while (!(count(database, "select count(*) from crash_effects") == TASKS && queue.depth(spec).equals(new TaskQueue.QueueDepth(0, 0)))) {
                assertThat(System.nanoTime()).as("all tasks done within " + allowed + " (" + kills + " kills so far)").isLessThan(deadline);
                for (var it = running.iterator(); it.hasNext(); ) {
                    Process p = it.next();
                    if (!p.isAlive()) {
                        assertThat(p.exitValue()).as("a worker process ended other than by the injected crash: see " + dir).isEqualTo(42);
                        kills++;
                        it.remove();
                        if (kills % 100 == 0) {
                            System.out.printf("crash test: %d of %d kills%n", kills, TASKS);
                        }
                    }
                }
                while (running.size() < PROCESSES) {
                    running.add(worker(sqs, schema.jdbcUrl(), running.size() + kills));
                }
                Thread.sleep(50);
            }
            running.forEach(Process::destroyForcibly);
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

            long effects = count(database, "select count(*) from crash_effects");
            long distinct = count(database, "select count(distinct task_id) from crash_effects");
            long redeliveries = count(database, "select count(*) from crash_redeliveries");
            System.out.printf("crash test: %d tasks, %d worker processes killed after commit and before delete, %d redeliveries, "
                    + "%d side effects (%d distinct), %d s%n", TASKS, kills, redeliveries, effects, distinct, seconds);
            assertThat(kills).isGreaterThanOrEqualTo(TASKS);
            assertThat(effects).isEqualTo(TASKS);
            assertThat(distinct).isEqualTo(TASKS);
            assertThat(redeliveries).isGreaterThan(0);
        }
    }

    private Process worker(EmbeddedSqs sqs, String jdbc, int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx128m",
                "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile", ""),
                "-cp", System.getProperty("java.class.path"), CrashingWorker.class.getName(),
                sqs.endpoint().toString(), "crash", jdbc, PostgresSchema.USER)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "worker-" + (n % 4) + ".log")))
                .start();
    }

    private static long count(Database database, String sql) {
        return database.inTransaction(c -> {
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
