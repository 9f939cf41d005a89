package io.heomdm.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The least CPU any JSON edge must spend on the bench's events, whatever else it does: Jackson's
 * streaming parser over the same NDJSON bodies on one thread, without HTTP, validation, Avro or Kafka.
 * Against the direct producer's CPU per event it bounds the ratio a JSON gateway can reach on this
 * machine, so the bench can tell "not fast enough yet" from "not possible with JSON here".
 */
final class JsonFloor {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * @param tokenizeMicros CPU µs per event to find every token (strings not decoded: less than any parser does)
     * @param readMicros     CPU µs per event to read every name and value as text, as a parser into objects must
     */
    record Floor(double tokenizeMicros, double readMicros) {
        /** The highest gateway/direct ratio if the edge cost nothing but {@code edgeMicros}, against the direct producer's CPU per event. */
        static double ceilingRatio(double directMicros, double edgeMicros) {
            return directMicros / (directMicros + edgeMicros);
        }
    }

    /** The median of {@code passes} passes over the bodies, after as many unmeasured ones for the JIT. */
    static Floor measure(List<byte[]> bodies, int events, int passes) {
        double[] tokenize = new double[passes];
        double[] read = new double[passes];
        for (int p = -passes; p < passes; p++) {
            double t = cpuMicrosPerEvent(bodies, events, false);
            double r = cpuMicrosPerEvent(bodies, events, true);
            if (p >= 0) {
                tokenize[p] = t;
                read[p] = r;
            }
        }
        return new Floor(GatewayThroughput.median(tokenize), GatewayThroughput.median(read));
    }

    private static double cpuMicrosPerEvent(List<byte[]> bodies, int events, boolean readValues) {
        long start = THREADS.getCurrentThreadCpuTime();
        long seen = 0;
        for (byte[] body : bodies) {
            seen += parse(body, readValues);
        }
        if (seen == 0) {
            throw new IllegalStateException("no tokens in the bodies");
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / events;
    }

    /** Tokens (or characters of text read) in one NDJSON body; the count keeps the JIT from dropping the work. */
    private static long parse(byte[] body, boolean readValues) {
        long seen = 0;
        try (JsonParser parser = FACTORY.createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                seen += readValues && token.isScalarValue() ? parser.getText().length() : 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seen;
    }

    private JsonFloor() {
    }

    static String describe(Floor floor, double directMicros) {
        return String.format("the least a JSON edge spends (Jackson's streaming parser over the same NDJSON, one thread, nothing else): "
                + "%.1f µs per event to find every token, %.1f µs to read every value; if the edge cost nothing else (no HTTP, no checks, "
                + "no answer), the gateway could reach at most %.2f of the direct producer's %.1f µs per event by tokens alone, %.2f by values%n",
                floor.tokenizeMicros(), floor.readMicros(), Floor.ceilingRatio(directMicros, floor.tokenizeMicros()), directMicros,
                Floor.ceilingRatio(directMicros, floor.readMicros()));
    }
}
