package io.heomdm.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every archive store does, run against each: a directory and an S3-compatible server. */
abstract class ArchiveStoreContract {
    static final Instant HOUR = Instant.parse("2026-12-06T10:00:00Z");
    @TempDir
    Path scratch;

    abstract ArchiveStore store();

    @Test
    void aFilePutIsListedUnderItsHourAndReadBackWhole() throws Exception {
        var store = store();
        String key = ArchiveFiles.fileKey("market.activity.v1", 3, 42, HOUR);
        Path file = Files.write(scratch.resolve("f"), "first".getBytes(StandardCharsets.UTF_8));
        store.put(key, file);
        store.put(ArchiveFiles.checkpointKey("market.activity.v1", 3), "43".getBytes(StandardCharsets.UTF_8));

        assertThat(key).isEqualTo("market.activity.v1/2026-12-06/10/market.activity.v1-3-0000000000000000042.avro");
        assertThat(store.list(ArchiveFiles.hourPrefix("market.activity.v1", HOUR))).containsExactly(key);
        assertThat(store.list("market.activity.v1/")).containsExactly(key);
        try (var in = store.open(key)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first");
        }
        assertThat(store.read(ArchiveFiles.checkpointKey("market.activity.v1", 3))).hasValueSatisfying(
                b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("43"));
    }

    @Test
    void aSecondPutReplacesTheFirst() throws Exception {
        var store = store();
        String key = ArchiveFiles.fileKey("tasks.outcomes.v1", 0, 7, HOUR);
        store.put(key, Files.write(scratch.resolve("a"), "old and longer".getBytes(StandardCharsets.UTF_8)));
        store.put(key, Files.write(scratch.resolve("b"), "new".getBytes(StandardCharsets.UTF_8)));

        assertThat(store.list("tasks.outcomes.v1/")).containsExactly(key);
        try (var in = store.open(key)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("new");
        }
    }

    @Test
    void whatWasNeverPutIsAbsent() throws Exception {
        var store = store();
        assertThat(store.read("_checkpoints/none/0")).isEmpty();
        assertThat(store.list("none/")).isEmpty();
    }
}
