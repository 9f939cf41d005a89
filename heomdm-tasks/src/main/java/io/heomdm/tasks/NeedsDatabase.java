package io.heomdm.tasks;

import io.heomdm.storage.Database;
import io.heomdm.taskqueue.ReceivedTask;
import io.heomdm.taskqueue.TaskHandler;
import io.heomdm.taskqueue.TaskResult;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * A task handler whose work needs the database, behind the database's circuit breaker: while the
 * database does not answer, the worker receives no task ({@link #admit} 0) instead of spending the
 * tasks' receives on connection timeouts and dead-lettering them; a probe finds it back and one
 * task is the trial. Only failures to reach the database count against it, not a handler's others.
 */
public final class NeedsDatabase<T extends SpecificRecord> implements TaskHandler<T> {
    private static final Pattern POSTGRES = Pattern.compile("^jdbc:postgresql://(\\[[^\\]]+\\]|[^/:?,]+)(?::(\\d+))?(?:/.*)?$");

    private final TaskHandler<T> handler;
    private final Dependency database;

    public NeedsDatabase(TaskHandler<T> handler, Dependency database) {
        this.handler = handler;
        this.database = database;
    }

    /**
     * The breaker for the database at {@code jdbcUrl}, probed by a TCP connect to its server; none
     * for an embedded one (H2 in the process: it is not down while the process runs) or a URL with
     * several hosts (the driver fails over between them itself).
     */
    public static Optional<Dependency> dependency(String jdbcUrl) {
        var m = POSTGRES.matcher(jdbcUrl);
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1).replaceAll("^\\[|\\]$", "");
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        return Optional.of(new Dependency("database " + host + ":" + port, host, port, Database::unreachable));
    }

    /** A failure to reach the database (or the breaker's refusal) is an outage: retried, and the task never parked for it. */
    @Override
    public TaskResult handle(ReceivedTask<T> task) throws Exception {
        try {
            return database.call(() -> handler.handle(task));
        } catch (Dependency.Down e) {
            return TaskResult.outage(e.getMessage());
        } catch (Exception e) {
            if (Database.unreachable(e)) {
                return TaskResult.outage(e.toString());
            }
            throw e;
        }
    }

    @Override
    public int admit(int wanted) {
        return Math.min(database.admit(wanted), handler.admit(wanted));
    }

    @Override
    public boolean outage() {
        return database.down() || handler.outage();
    }

    @Override
    public void exhausted(ReceivedTask<T> task, String lastError) throws Exception {
        handler.exhausted(task, lastError);
    }
}
