package io.heomdm.app;

import io.heomdm.archive.ArchiveDataflows;
import io.heomdm.archive.ArchiveStore;
import io.heomdm.archive.Archiver;
import io.heomdm.archive.S3Store;
import io.heomdm.eventlog.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit archive as the platform runs it: the configured store, and the archiver over every market topic. */
final class AuditArchive implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("heomdm"); // the start-up steps' logger
    private final ArchiveStore store;
    private final Archiver archiver;

    private AuditArchive(ArchiveStore store, Archiver archiver) {
        this.store = store;
        this.archiver = archiver;
    }

    static AuditArchive start(HeomdmConfig config, KafkaSettings kafka, Path data, InstantSource clock) {
        var store = Settings.archiveStore(config);
        if (store instanceof S3Store s3) {
            try {
                s3.ensureBucket();
            } catch (RuntimeException e) {
                // not a reason to stay down: the archiver waits for the bucket and loses nothing
                log.warn("archive: cannot reach {} yet ({})", store.describe(), e.toString());
            }
        }
        var a = config.archive();
        var archiver = new Archiver(kafka, store, ArchiveDataflows.TOPICS, new Archiver.Settings(Duration.ofSeconds(a.rollSeconds()),
                a.maxFileRecords(), data.resolve("archive-scratch")), clock).start();
        log.info("  Archive   ready  {} (files stored every {} s at most)", store.describe(), a.rollSeconds());
        return new AuditArchive(store, archiver);
    }

    boolean isRunning() {
        return archiver.isRunning();
    }

    /** Stores the open files, then lets the store go. */
    @Override
    public void close() {
        archiver.close();
        store.close();
    }
}
