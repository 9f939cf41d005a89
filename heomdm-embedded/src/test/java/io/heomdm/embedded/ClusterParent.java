package io.heomdm.embedded;

import java.nio.file.Path;

/** A process that starts a one-node cluster, says so, and waits to be killed: the parent EmbeddedServersIT kills. */
public final class ClusterParent {
    private ClusterParent() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafkaCluster.start(Path.of(args[0]), 1, "256m");
        System.out.println("started");
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
