package io.heomdm.gateway;

import io.heomdm.events.Daemons;
import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.LogPosition;
import io.heomdm.events.Traceparent;
import io.heomdm.gateway.Problem.FieldError;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** EventIds remembered to answer 409 for one reused with another payload: about 100 bytes each. */
    private static final int RECENT_EVENTS = 200_000;
    private final RecentEvents recent = new RecentEvents(RECENT_EVENTS);

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
        this.senders = new ThreadPoolExecutor(SENDERS, SENDERS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SEND_QUEUE), Daemons.named("gateway-send"));
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
        byte[] body = Requests.body(ctx, settings.maxBodyBytes());
        Requests.requireUtf8(body);
        String traceparent = ctx.header("traceparent");
        if (!Traceparent.isValid(traceparent)) {
            traceparent = Traceparent.newTrace(random);
        }
        List<Line> lines = ndjson ? Line.split(body) : List.of(new Line(0, body.length));
        Principal principal = Requests.principal(ctx);
        UUID idempotentId = idempotentId(ctx.header(IDEMPOTENCY_KEY), ndjson, principal);
        if (lines.isEmpty()) {
            count("invalid");
            throw new ProblemException(Problem.of(400, "invalid-event", "Invalid event", "the body holds no event"));
        }
        if (lines.size() > settings.maxBatchItems()) {
            count("too-large");
            throw new ProblemException(Problem.of(413, "too-large", "Batch too large",
                    "a batch may hold at most " + settings.maxBatchItems() + " events; this one holds " + lines.size()));
        }
        List<EventIngestion.Item> items = new ArrayList<>(lines.size());
        List<FieldError> errors = new ArrayList<>();
        List<FieldError> forbidden = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var item = ingestion.parse(body, lines.get(i).offset(), lines.get(i).length(), traceparent, idempotentId);
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
        List<FieldError> conflicts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            var accepted = items.get(i).accepted();
            var event = accepted.event();
            if (!recent.admit(accepted)) {
                conflicts.add(new FieldError(ndjson ? i : null, "eventId", "eventId " + event.envelope().eventId()
                        + " was sent before with another type or payload; an eventId names one event"));
            }
        }
        if (!conflicts.isEmpty()) {
            count("conflict");
            throw new ProblemException(Problem.of(409, "event-id-conflict", "EventId used for another event",
                    "none of the request was accepted").withErrors(conflicts));
        }
        publish(ctx, items, ndjson);
    }

    /**
     * Publishes the items and answers when all are acknowledged or the deadline passed; used by erasure too.
     * One task per request hands the items to the producer, which batches them itself: a send only
     * blocks while the cluster's metadata is missing, and then the first send uses up the deadline and
     * the rest fail at once, so a request never waits longer than its deadline.
     */
    void publish(Context ctx, List<EventIngestion.Item> items, boolean batch) {
        long start = System.nanoTime();
        long deadline = start + settings.ackTimeout().toNanos();
        List<CompletableFuture<LogPosition>> acks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            acks.add(new CompletableFuture<>());
        }
        try {
            senders.execute(() -> {
                for (int i = 0; i < items.size(); i++) {
                    var ack = acks.get(i);
                    if (System.nanoTime() >= deadline) {
                        // the client has had its 503 already: do not write what it was told to retry
                        ack.completeExceptionally(new TimeoutException("the deadline passed before the send"));
                        continue;
                    }
                    var accepted = items.get(i).accepted();
                    publisher.publish(accepted.topic(), accepted.event().envelope(), accepted.payload()).whenComplete((position, error) -> {
                        if (error != null) {
                            ack.completeExceptionally(error);
                        } else {
                            ack.complete(position);
                        }
                    });
                }
            });
        } catch (RejectedExecutionException e) {
            acks.forEach(a -> a.completeExceptionally(new TimeoutException("too many requests waiting to be sent")));
        }
        var all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        ctx.future(() -> all.handle((done, error) -> {
            answer(ctx, items, acks, batch, start);
            return null;
        }));
    }

    /** What a 202 lists for each event: where Kafka wrote it ({@code item}: its line in a batch). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Written(Integer item, String eventId, String type, String topic, int partition, long offset) {
    }

    record BatchWritten(int accepted, List<Written> events) {
    }

    private void answer(Context ctx, List<EventIngestion.Item> items, List<CompletableFuture<LogPosition>> acks, boolean batch, long start) {
        List<Written> accepted = new ArrayList<>();
        List<FieldError> unacknowledged = new ArrayList<>();
        List<FieldError> tooLarge = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            var envelope = items.get(i).accepted().event().envelope();
            Integer index = batch ? i : null;
            var ack = acks.get(i);
            if (ack.isDone() && !ack.isCompletedExceptionally()) {
                LogPosition p = ack.join();
                accepted.add(new Written(index, envelope.eventId().toString(), envelope.type(), p.topic(), p.partition(), p.offset()));
            } else if (ack.isDone() && rootCause(ack.handle((p, e) -> e).join()) instanceof RecordTooLargeException) {
                tooLarge.add(new FieldError(index, "data", "the event is larger than the event log accepts; it was not written"));
            } else {
                unacknowledged.add(new FieldError(index, "eventId", "not acknowledged by Kafka in time; retry with eventId " + envelope.eventId()));
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
        Requests.json(ctx, 202, batch ? new BatchWritten(accepted.size(), accepted) : accepted.get(0));
    }

    /** An NDJSON line: where it starts in the body and how long it is; blank lines are no event. */
    record Line(int offset, int length) {
        static List<Line> split(byte[] body) {
            List<Line> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i <= body.length; i++) {
                if (i == body.length || body[i] == '\n') {
                    if (!blank(body, start, i)) {
                        lines.add(new Line(start, i - start));
                    }
                    start = i + 1;
                }
            }
            return lines;
        }

        private static boolean blank(byte[] body, int from, int to) {
            for (int i = from; i < to; i++) {
                if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') {
                    return false;
                }
            }
            return true;
        }
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

    /**
     * For a single event, an {@code Idempotency-Key} (1 to 255 visible ASCII characters) stands for an
     * eventId, the same for the same key from the same API key; null without one.
     */
    private static UUID idempotentId(String key, boolean ndjson, Principal principal) {
        if (key == null) {
            return null;
        }
        if (ndjson) {
            throw ProblemException.invalid("invalid-event", "Invalid event", "the batch was not accepted", IDEMPOTENCY_KEY,
                    "is for a single event; in a batch, give each line its eventId");
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ProblemException.invalid("invalid-event", "Invalid event", "the event was not accepted", IDEMPOTENCY_KEY,
                    "must be 1 to 255 visible ASCII characters");
        }
        return UUID.nameUUIDFromBytes(("idempotency-key/" + principal.keyId() + "/" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
