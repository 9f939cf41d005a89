package io.heomdm.tasks;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outside service a handler calls (the SMTP server, a webhook's host, the database) behind a
 * circuit breaker (Resilience4j). After repeated transient failures it opens, and the workers whose handlers need
 * it stop receiving tasks ({@code TaskHandler.admit}) rather than burn the tasks' receives on an
 * outage and dead-letter them. While it is open, a probe (a TCP connect, or the service's own
 * question) asks every {@link #PROBE_EVERY}; once the service answers again one task is let through as the
 * half-open trial, and its success closes the breaker: work resumes within seconds of the return.
 * A trial that fails (the service accepts connections but still fails) doubles the time to the
 * next, up to a minute, so a long half-outage costs few receives.
 * Thread-safe.
 */
public final class Dependency {
    private static final Logger log = LoggerFactory.getLogger(Dependency.class);
    static final Duration PROBE_EVERY = Duration.ofSeconds(2);
    /** Trials that fail (it accepts connections but still fails) space the next ones out up to this. */
    private static final Duration MAX_PROBE_EVERY = Duration.ofMinutes(1);
    private static final int PROBE_TIMEOUT_MILLIS = 1_000;

    /** The breaker is open: the call was not made. A transient failure, so the task is retried. */
    public static final class Down extends IOException {
        Down(String name) {
            super(name + " is down (circuit breaker open): not called");
        }
    }

    private final String name;
    private final BooleanSupplier answering;
    private final CircuitBreaker breaker;
    private long nextProbe;
    private long probeEvery = PROBE_EVERY.toNanos();
    /** When (System.nanoTime) the half-open trial was last offered to a worker; 0: not yet. */
    private long trialOfferedAt;

    /**
     * A service probed by a TCP connect to {@code host:port}.
     *
     * @param transientFailure which failures count against the service (a refusal of one request, a
     *                         bad address, is the request's fault and does not)
     */
    public Dependency(String name, String host, int port, Predicate<Throwable> transientFailure) {
        this(name, () -> accepting(host, port), transientFailure);
    }

    /**
     * @param answering the probe: whether the service looks able to serve again (asked every
     *                  {@link #PROBE_EVERY} while the breaker is open, from a worker's receive loop,
     *                  so it must answer within about a second)
     */
    public Dependency(String name, BooleanSupplier answering, Predicate<Throwable> transientFailure) {
        this.name = name;
        this.answering = answering;
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .recordException(transientFailure)
                // the probe decides when to try again, not a timer: an outage of any length costs no task a receive
                .waitDurationInOpenState(Duration.ofDays(1))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            switch (e.getStateTransition()) {
                case CLOSED_TO_OPEN -> log.warn("{} is failing: its tasks wait in their queue until it answers again (circuit breaker open)", name);
                case HALF_OPEN_TO_OPEN -> slowerProbes();
                case HALF_OPEN_TO_CLOSED -> {
                    resetProbes();
                    log.info("{} answers again: its tasks resume", name);
                }
                default -> {
                }
            }
        });
    }

    /** Makes the call through the breaker; {@link Down} without calling while it is open. */
    public <T> T call(Callable<T> call) throws Exception {
        try {
            return breaker.executeCallable(call);
        } catch (CallNotPermittedException e) {
            throw new Down(name);
        }
    }

    /**
     * How many of {@code wanted} tasks that need this service a worker may take now: all while it
     * is healthy, none while it is down, one as the trial once a probe found it accepting
     * connections again.
     */
    public int admit(int wanted) {
        return switch (breaker.getState()) {
            case OPEN -> probe() ? offerTrial(wanted) : 0;
            case HALF_OPEN -> offerTrial(wanted);
            default -> wanted;
        };
    }

    /** Whether the service is taken for down: its breaker open, or half-open while a trial decides. Asks, changes nothing. */
    public boolean down() {
        return breaker.getState() != CircuitBreaker.State.CLOSED;
    }

    /**
     * One task for the half-open trial, to one worker only: every other task received now would be
     * refused by the breaker and spend a receive for nothing. Offered again after {@link #PROBE_EVERY}
     * in case the worker it went to received no task.
     */
    private synchronized int offerTrial(int wanted) {
        long now = System.nanoTime();
        if (wanted <= 0 || trialOfferedAt != 0 && now - trialOfferedAt < PROBE_EVERY.toNanos()) {
            return 0;
        }
        trialOfferedAt = now;
        return 1;
    }

    /** When a probe is due: true when the service accepts connections, and the breaker is half-open for one trial. */
    private synchronized boolean probe() {
        long now = System.nanoTime();
        if (breaker.getState() != CircuitBreaker.State.OPEN || now - nextProbe < 0) {
            return breaker.getState() == CircuitBreaker.State.HALF_OPEN;
        }
        nextProbe = now + probeEvery;
        if (!answering.getAsBoolean()) {
            return false;
        }
        trialOfferedAt = 0;
        breaker.transitionToHalfOpenState();
        return true;
    }

    private synchronized void slowerProbes() {
        probeEvery = Math.min(probeEvery * 2, MAX_PROBE_EVERY.toNanos());
        nextProbe = System.nanoTime() + probeEvery;
    }

    private synchronized void resetProbes() {
        probeEvery = PROBE_EVERY.toNanos();
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    /** Whether the service accepts a TCP connection within a second. */
    private static boolean accepting(String host, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
