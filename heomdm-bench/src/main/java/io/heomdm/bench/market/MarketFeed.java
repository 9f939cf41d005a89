package io.heomdm.bench.market;

import io.heomdm.events.Daemons;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.bench.OpenLoop;
import io.heomdm.eventlog.EventPublisher;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.Event;
import io.heomdm.events.JsonPayloads;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;

/**
 * Feeds a simulated market to a running platform at a fixed rate, open loop: to the gateway over
 * HTTP as NDJSON batches (what a shop's tracking would do), or straight to the Kafka topics.
 * Counts what was accepted, refused and failed, and reports every 10 s.
 */
public final class MarketFeed implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where events go. */
    public sealed interface Target permits Gateway, Kafka {
    }

    /** The gateway's {@code POST /v1/events}, {@code batch} events per NDJSON request, with an API key allowed to post every type it sends. */
    public record Gateway(URI base, int batch, String apiKey) implements Target {
        @Override
        public String toString() {
            return "Gateway[" + base + ", batch " + batch + "]"; // never the key
        }
    }

    /** The market topics, through the platform's own publisher. */
    public record Kafka(EventPublisher publisher) implements Target {
    }

    public record Counts(long sent, long accepted, long refused, long failed) {
    }

    private final MarketSimulator simulator;
    private final Target target;
    private final double rate;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;
    private boolean catalogueFirst = true;
    private Thread thread;

    public MarketFeed(MarketSimulator simulator, Target target, double rate, PrintStream log) {
        this.simulator = simulator;
        this.target = target;
        this.rate = rate;
        this.log = log;
    }

    /** Leaves the catalogue out: it was sent before (a benchmark's later steps), and only market events count. */
    public MarketFeed withoutCatalogue() {
        catalogueFirst = false;
        return this;
    }

    /** Starts feeding on a thread of its own, for {@code duration} (or until closed when null). */
    public MarketFeed start(Duration duration) {
        thread = Daemons.start("market-feed", () -> {
            try {
                feed(duration);
            } catch (InterruptedException e) {
                log.println("simulate: stopped");
            } catch (Exception e) {
                log.println("simulate: stopped: " + e);
            }
        });
        return this;
    }

    public void await() throws InterruptedException {
        thread.join();
    }

    private void feed(Duration duration) throws Exception {
        int batch = target instanceof Gateway g ? g.batch() : 1;
        if (catalogueFirst) {
            List<? extends Event<? extends SpecificRecord>> catalogue = simulator.catalogue(Instant.now());
            for (int i = 0; i < catalogue.size(); i += Math.max(batch, 100)) {
                send(List.copyOf(catalogue.subList(i, Math.min(catalogue.size(), i + Math.max(batch, 100)))));
            }
            log.printf("simulate: the catalogue (%d products) sent first%n", catalogue.size());
        }
        var loop = new OpenLoop(OpenLoop.Ticker.SYSTEM, rate / batch);
        long start = System.nanoTime();
        long batches = duration == null ? Long.MAX_VALUE : loop.firstDueAfter(duration.toNanos());
        AtomicLong sent = new AtomicLong();
        long[] nextReport = {start + 10_000_000_000L};
        loop.run(start, batches, (b, due) -> {
            if (!running) {
                throw new InterruptedException();
            }
            List<Event<? extends SpecificRecord>> events = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                events.add(simulator.next(sent.getAndIncrement(), Instant.now()));
            }
            send(events);
            if (System.nanoTime() > nextReport[0]) {
                nextReport[0] += 10_000_000_000L;
                var c = counts(sent.get());
                log.printf("simulate: %d sent (%.0f/s), %d accepted, %d refused, %d failed%n", c.sent(),
                        c.sent() / ((System.nanoTime() - start) / 1e9), c.accepted(), c.refused(), c.failed());
            }
        });
        var c = counts(sent.get());
        log.printf("simulate: done: %d sent, %d accepted, %d refused, %d failed%n", c.sent(), c.accepted(), c.refused(), c.failed());
    }

    private void send(List<Event<? extends SpecificRecord>> events) throws Exception {
        if (target instanceof Kafka k) {
            for (var e : events) {
                var topic = MarketTopics.forType(e.envelope().type()).orElseThrow();
                k.publisher().publish(topic, e).whenComplete((ok, error) -> (error == null ? accepted : failed).incrementAndGet());
            }
            return;
        }
        var gateway = (Gateway) target;
        StringBuilder body = new StringBuilder();
        for (var e : events) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("eventId", e.envelope().eventId().toString());
            item.put("type", e.envelope().type());
            item.put("occurredAt", e.envelope().occurredAt().toString());
            item.put("data", JsonPayloads.toJson(e.payload()));
            body.append(JSON.writeValueAsString(item)).append('\n');
        }
        var request = HttpRequest.newBuilder(gateway.base().resolve("/v1/events")).header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + gateway.apiKey())
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        response.whenComplete((r, error) -> {
            if (error != null || r.statusCode() >= 500) {
                failed.addAndGet(events.size());
            } else if (r.statusCode() >= 400) {
                refused.addAndGet(events.size());
            } else {
                accepted.addAndGet(events.size());
            }
        });
    }

    public Counts counts(long sent) {
        return new Counts(sent, accepted.get(), refused.get(), failed.get());
    }

    @Override
    public void close() {
        running = false;
    }
}
