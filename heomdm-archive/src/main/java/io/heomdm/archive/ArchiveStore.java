package io.heomdm.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where archive files are kept: a directory or an S3 bucket. Keys are '/'-separated paths; a put
 * replaces what the key held, all at once (a reader sees the old file or the new one, never part).
 */
public interface ArchiveStore extends AutoCloseable {
    /** Stores the file under the key. */
    void put(String key, Path file) throws IOException;

    /** Stores a small value (a checkpoint) under the key. */
    void put(String key, byte[] bytes) throws IOException;

    /** The bytes under the key, if it exists. */
    Optional<byte[]> read(String key) throws IOException;

    InputStream open(String key) throws IOException;

    /** The keys that start with the prefix, in order. */
    List<String> list(String prefix) throws IOException;

    /** Where this store is, for a person: a path or s3://bucket/prefix. */
    String describe();

    @Override
    default void close() {
    }
}
