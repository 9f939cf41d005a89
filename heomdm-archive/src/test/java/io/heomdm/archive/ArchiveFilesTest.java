package io.heomdm.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A checkpoint is an offset, or it is refused by name: an archive that read on from a wrong one would skip or repeat records. */
class ArchiveFilesTest {
    static final String KEY = ArchiveFiles.checkpointKey("market.activity.v1", 3);

    @Test
    void aCheckpointIsTheOffsetItHolds() {
        assertThat(ArchiveFiles.checkpoint(KEY, "41200\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(41200);
        assertThat(ArchiveFiles.checkpoint(KEY, "0".getBytes(StandardCharsets.UTF_8))).isZero();
    }

    @Test
    void aCheckpointThatIsNotAnOffsetIsRefusedByItsKeyAndContent() {
        for (String content : new String[] {"", "-1", "12x", "99999999999999999999", "<html>" + "a".repeat(500)}) {
            assertThatThrownBy(() -> ArchiveFiles.checkpoint(KEY, content.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(KEY).hasMessageContaining("not an offset")
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        }
    }
}
