package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SideBySideTest {
    private static final class Part implements AutoCloseable {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void partsStartAtTheSameTimeAndComeBackInTheOrderAsked() {
        var together = new SideBySide();
        // each waits for the other: they only both start if they start at once
        var both = new CountDownLatch(2);
        var first = together.startIf(true, "first", () -> meet(both));
        var skipped = together.<Part>startIf(false, "skipped", () -> {
            throw new AssertionError("not asked for");
        });
        var second = together.startIf(true, "second", () -> meet(both));

        List<SideBySide.Started<?>> started = together.awaitAll();

        assertThat(started).extracting(SideBySide.Started::name).containsExactly("first", "second");
        assertThat(first.started()).isPresent();
        assertThat(second.started()).isPresent();
        assertThat(skipped.started()).isEmpty();
    }

    @Test
    void aFailedStartClosesThoseThatStartedAndThrowsItsOwnException() {
        var together = new SideBySide();
        var started = new Part();
        var failure = new IllegalStateException("decisions did not reach RUNNING");
        together.startIf(true, "analytics", () -> started);
        together.<Part>startIf(true, "decisions", () -> {
            throw failure;
        });

        assertThatThrownBy(together::awaitAll).isSameAs(failure);
        assertThat(started.closed).isTrue();
    }

    @Test
    void closeAllClosesWhatStartedAndOnlyReportsAPartThatFailsToClose() {
        var together = new SideBySide();
        var analytics = new Part();
        var stubborn = new IllegalStateException("a store would not close");
        together.startIf(true, "analytics", () -> analytics);
        together.startIf(true, "decisions", () -> (AutoCloseable) () -> {
            throw stubborn;
        });
        List<Exception> reported = new java.util.ArrayList<>();

        together.closeAll(reported::add); // the platform failed to start before it used them

        assertThat(analytics.closed).isTrue();
        assertThat(reported).containsExactly(stubborn);
    }

    @Test
    void closeAllAfterAFailedStartClosesTheOthersOnce() {
        var together = new SideBySide();
        var analytics = new Part();
        together.startIf(true, "analytics", () -> analytics);
        together.<Part>startIf(true, "decisions", () -> {
            throw new IllegalStateException("decisions did not reach RUNNING");
        });
        List<Exception> reported = new java.util.ArrayList<>();

        together.closeAll(reported::add);

        assertThat(analytics.closed).isTrue();
        assertThat(reported).isEmpty();
    }

    private static Part meet(CountDownLatch both) {
        both.countDown();
        try {
            if (!both.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("started one after the other");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return new Part();
    }
}
