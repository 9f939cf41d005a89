package io.heomdm.gateway;

import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.LogPosition;
import io.heomdm.events.Traceparent;
import io.heomdm.gateway.Problem.FieldError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * {@code POST /v1/events}: one JSON event, or an NDJSON batch. An event is answered 202 only after
 * Kafka acknowledged it ({@code acks=all}); when it was not acknowledged within the deadline the
 * answer is 503 and the client retries with the same eventId. A batch is validated whole before
 * anything is published: one invalid item refuses the batch, and the problem lists every item and
 * field at fault.
 *
 * <p>Sends run on their own small pool and the request waits for them asynchronously: a producer
 * whose cluster is away blocks in {@code send} (waiting for metadata) for up to the deadline, and
 * that must neither tie up the server's request threads nor add up item after item in a batch.
 */
final class EventsResource implements Resource, AutoCloseable {
    private static final int SENDERS = 8;
    private static final int SEND_QUEUE = 20_000;

    private final GatewaySettings settings;
    private final EventIngestion ingestion;
    private final EventPublisher publisher;
    private final PrometheusMeterRegistry metrics;
    private final Timer ackLatency;
    private final ThreadPoolExecutor senders;
    private final RandomGenerator random;

    EventsResource(GatewaySettings settings, EventIngestion ingestion, EventPublisher publisher, PrometheusMeterRegistry metrics,
            RandomGenerator random) {
        this.settings = settings;
        this.random = random;
        this.ingestion = ingestion;
        this.publisher = publisher;
        this.metrics = metrics;
        this.ackLatency = Timer.builder("heomdm.gateway.ack").description("time from receiving a request to Kafka's acknowledgement")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.senders = new ThreadPoolExecutor(SENDERS, SENDERS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SEND_QUEUE), r -> {
            Thread t = new Thread(r, "gateway-send");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.post("/v1/events", this::post, Scope.EVENTS_WRITE);
    }

    private void post(Context ctx) {
        String contentType = mediaType(ctx.header("Content-Type"));
        boolean ndjson = contentType.equals("application/x-ndjson");
        if (!ndjson && !contentType.equals("application/json")) {
            count("unsupported-media-type");
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send application/json (one event) or application/x-ndjson (one event per line), not '" + contentType + "'"));
        }
        String text = Requests.utf8(Requests.body(ctx, settings.maxBodyBytes()));
        String traceparent = ctx.header("traceparent");
        if (!Traceparent.isValid(traceparent)) {
            traceparent = Traceparent.newTrace(random);
        }
        List<String> lines = ndjson ? text.lines().filter(l -> !l.isBlank()).toList() : List.of(text);
        if (lines.isEmpty()) {
            count("invalid");
            throw new ProblemException(Problem.of(400, "invalid-event", "Invalid event", "the body holds no event"));
        }
        if (lines.size() > settings.maxBatchItems()) {
            count("too-large");
            throw new ProblemException(Problem.of(413, "too-large", "Batch too large",
                    "a batch may hold at most " + settings.maxBatchItems() + " events; this one holds " + lines.size()));
        }
        Principal principal = Requests.principal(ctx);
        List<EventIngestion.Item> items = new ArrayList<>(lines.size());
        List<FieldError> errors = new ArrayList<>();
        List<FieldError> forbidden = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var item = ingestion.parse(lines.get(i), traceparent);
            items.add(item);
            Integer index = ndjson ? i : null;
            item.violations().forEach(v -> errors.add(new FieldError(index, v.field(), v.rule())));
            if (item.isValid() && !principal.mayPost(item.accepted().event().envelope().type())) {
                forbidden.add(new FieldError(index, "type", "the key '" + principal.name() + "' may not post "
                        + item.accepted().event().envelope().type() + "; it may post " + principal.eventTypes().stream().sorted().toList()));
            }
        }
        if (!errors.isEmpty()) {
            count("invalid");
            long refused = items.stream().filter(i -> !i.isValid()).count();
            throw new ProblemException(Problem.of(400, "invalid-event", "Invalid event",
                    ndjson ? refused + " of " + items.size() + " events break the schema; none of the batch was accepted"
                            : "the event breaks the schema; it was not accepted").withErrors(errors));
        }
        if (!forbidden.isEmpty()) {
            count("forbidden");
            throw new ProblemException(Problem.of(403, "event-type-forbidden", "Event type not allowed for this key",
                    "none of the request was accepted").withErrors(forbidden));
        }
        publish(ctx, items, ndjson);
    }

    /** Publishes the items concurrently and answers when all are acknowledged or the deadline passed; used by erasure too. */
    void publish(Context ctx, List<EventIngestion.Item> items, boolean batch) {
        long start = System.nanoTime();
        long deadline = start + settings.ackTimeout().toNanos();
        List<CompletableFuture<LogPosition>> acks = new ArrayList<>(items.size());
        for (var item : items) {
            acks.add(send(item.accepted(), deadline));
        }
        ctx.future(() -> CompletableFuture.allOf(acks.stream().map(a -> a.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .thenAccept(done -> answer(ctx, items, acks, batch, start)));
    }

    private CompletableFuture<LogPosition> send(EventIngestion.Accepted accepted, long deadline) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (System.nanoTime() >= deadline) {
                    // the client has had its 503 already: do not write what it was told to retry
                    throw new java.util.concurrent.CompletionException(new TimeoutException("the deadline passed before the send"));
                }
                return publisher.publish(accepted.topic(), accepted.event());
            }, senders).thenCompose(f -> f).orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TimeoutException("too many events waiting to be sent"));
        }
    }

    private void answer(Context ctx, List<EventIngestion.Item> items, List<CompletableFuture<LogPosition>> acks, boolean batch, long start) {
        List<Map<String, Object>> accepted = new ArrayList<>();
        List<FieldError> unacknowledged = new ArrayList<>();
        List<FieldError> tooLarge = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            var envelope = items.get(i).accepted().event().envelope();
            Integer index = batch ? i : null;
            try {
                LogPosition p = acks.get(i).join();
                var item = new java.util.LinkedHashMap<String, Object>();
                if (batch) {
                    item.put("item", i);
                }
                item.put("eventId", envelope.eventId().toString());
                item.put("type", envelope.type());
                item.put("topic", p.topic());
                item.put("partition", p.partition());
                item.put("offset", p.offset());
                accepted.add(item);
            } catch (RuntimeException e) {
                if (rootCause(e) instanceof RecordTooLargeException) {
                    tooLarge.add(new FieldError(index, "data", "the event is larger than the event log accepts; it was not written"));
                } else {
                    unacknowledged.add(new FieldError(index, "eventId", "not acknowledged by Kafka in time; retry with eventId " + envelope.eventId()));
                }
            }
        }
        ackLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (!tooLarge.isEmpty() && unacknowledged.isEmpty()) {
            count("too-large");
            throw new ProblemException(Problem.of(413, "event-too-large", "Event too large", tooLarge.size() + " of " + items.size()
                    + " events are too large for the event log; " + accepted.size() + " were accepted").withErrors(tooLarge));
        }
        if (!unacknowledged.isEmpty()) {
            count("unavailable");
            unacknowledged.addAll(tooLarge);
            throw new ProblemException(new Problem(Problem.TYPE_BASE + "not-acknowledged", "Event log unavailable", 503,
                    unacknowledged.size() + " of " + items.size() + " events were not acknowledged; "
                            + accepted.size() + " were. Retry the listed ones with the same eventIds (duplicates are removed).",
                    unacknowledged, null), Map.of("Retry-After", "1"));
        }
        Counter.builder("heomdm.gateway.events").tag("outcome", "accepted").register(metrics).increment(items.size());
        Requests.json(ctx, 202, batch ? Map.of("accepted", accepted.size(), "events", accepted) : accepted.get(0));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private void count(String outcome) {
        Counter.builder("heomdm.gateway.events").tag("outcome", outcome).register(metrics).increment();
    }

    private static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
