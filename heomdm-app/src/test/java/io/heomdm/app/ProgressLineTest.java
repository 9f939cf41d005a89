package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private final StringWriter text = new StringWriter();

    @Test
    void intoAFileALineEveryFiveSecondsAndTheLast() {
        var progress = new ProgressLine(new PrintWriter(text), false);
        progress.show("one", false);
        progress.show("two", false);
        progress.show("done", true);
        assertThat(text.toString()).isEqualTo("one" + System.lineSeparator() + "done" + System.lineSeparator());
    }

    @Test
    void onATerminalInPlaceAndTheLastEndsTheLine() {
        var progress = new ProgressLine(new PrintWriter(text), true);
        progress.show("one", false);
        progress.show("done", true);
        assertThat(text.toString()).isEqualTo("\rone\rdone" + System.lineSeparator());
    }

    @Test
    void theBarIsFilledByTheShareDone() {
        assertThat(ProgressLine.bar("restore", "READING", 1, 4, "files", Duration.ofMillis(1500)))
                .isEqualTo("restore  READING     [########......................]  1 / 4 files   25%  1.5 s");
        assertThat(ProgressLine.bar("x", "DONE", 0, 0, "records", Duration.ZERO)).contains("[" + "#".repeat(30) + "]", "100%");
    }
}
