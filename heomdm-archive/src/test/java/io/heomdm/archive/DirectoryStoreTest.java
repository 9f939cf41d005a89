package io.heomdm.archive;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest extends ArchiveStoreContract {
    @TempDir
    Path root;

    @Override
    ArchiveStore store() {
        return new DirectoryStore(root);
    }

    @Test
    void aKeyCannotLeadOutOfTheDirectory() {
        assertThatThrownBy(() -> store().read("../outside")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
    }
}
