package io.heomdm.archive;

import java.nio.file.Path;

class DirectoryArchiverIT extends ArchiverContract {
    @Override
    ArchiveStore store(Path dir) {
        return new DirectoryStore(dir.resolve("archive"));
    }
}
