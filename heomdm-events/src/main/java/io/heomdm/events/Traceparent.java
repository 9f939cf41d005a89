package io.heomdm.events;

import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;

/** W3C Trace Context {@code traceparent} values: validated when received, generated when absent. */
public final class Traceparent {
    private static final Pattern VALID = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final HexFormat HEX = HexFormat.of();

    private Traceparent() {
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    /** A new sampled trace with a root span. */
    public static String newTrace(RandomGenerator random) {
        long hi = random.nextLong() | 1L;
        long lo = random.nextLong();
        long span = random.nextLong() | 1L;
        return "00-" + HEX.toHexDigits(hi) + HEX.toHexDigits(lo) + "-" + HEX.toHexDigits(span) + "-01";
    }

    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }
}
