package io.heomdm.taskqueue.internal;

/** The workers' threads: daemons, so a worker left open never keeps the JVM alive. */
final class Threads {
    private Threads() {
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
