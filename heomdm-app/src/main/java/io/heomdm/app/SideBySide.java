package io.heomdm.app;

import io.heomdm.events.Daemons;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Starts several parts at once, each on its own thread, and waits for all of them: the embedded
 * servers (Kafka takes the longest) and the Streams services (each spends its start waiting for its
 * first rebalance) start in the time of the slowest. If one fails, those that did start are closed
 * and its exception is thrown as it was (it names the part), so a failed start leaves nothing running.
 */
final class SideBySide {
    /** A part that started, and how long it took. */
    record Started<T extends AutoCloseable>(String name, T part, long millis) {
    }

    /** A part asked for, or not: its start once {@link #awaitAll()} has returned. */
    interface Slot<T extends AutoCloseable> {
        Optional<Started<T>> started();
    }

    private final ExecutorService threads = Executors.newCachedThreadPool(Daemons.named("heomdm-start"));
    private final List<CompletableFuture<? extends Started<?>>> starts = new ArrayList<>();

    /** Starts the part now if it is wanted. */
    <T extends AutoCloseable> Slot<T> startIf(boolean wanted, String name, Supplier<T> start) {
        if (!wanted) {
            return Optional::empty;
        }
        CompletableFuture<Started<T>> future = CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            T part = start.get();
            return new Started<>(name, part, (System.nanoTime() - t) / 1_000_000);
        }, threads);
        starts.add(future);
        return () -> Optional.of(future.join());
    }

    /** Every part that started, in the order asked; or, if one failed, its exception once the others are closed. */
    List<Started<?>> awaitAll() {
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        threads.shutdown();
        List<Started<?>> started = new ArrayList<>();
        RuntimeException failure = null;
        for (var start : starts) {
            try {
                started.add(start.join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (failure != null) {
            closeInReverse(started, failure::addSuppressed);
            throw failure;
        }
        return started;
    }

    /** For a caller that failed before it could use them: waits for every part and closes those that started. */
    void closeAll(Consumer<Exception> whenOneFailsToClose) {
        List<Started<?>> started;
        try {
            started = awaitAll();
        } catch (RuntimeException e) {
            return; // one failed to start: awaitAll closed the others
        }
        closeInReverse(started, whenOneFailsToClose);
    }

    private static void closeInReverse(List<Started<?>> started, Consumer<Exception> whenOneFailsToClose) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).part().close();
            } catch (Exception e) {
                whenOneFailsToClose.accept(e);
            }
        }
    }
}
