package io.heomdm.events;

import java.util.concurrent.ThreadFactory;

/**
 * Threads that never keep the JVM alive: every background loop of the platform (subscribers, relays, workers, the archiver) is
 * stopped by its owner's close, and a forgotten one must not hold a stopping process open. Here because every module sees this one.
 */
public final class Daemons {
    private Daemons() {
    }

    /** A daemon thread of that name, not yet started. */
    public static Thread thread(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A daemon thread of that name, started. */
    public static Thread start(String name, Runnable work) {
        Thread thread = thread(name, work);
        thread.start();
        return thread;
    }

    /** For an executor whose threads all bear one name. */
    public static ThreadFactory named(String name) {
        return work -> thread(name, work);
    }
}
