package io.heomdm.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one table of what a client may put in an event's fields, by field name (a name means the same
 * thing in every event). Strings are bounded by the narrowest place they end up: a database column
 * ({@code StorageContract.theColumnsHoldWhatTheEdgeAccepts} checks the columns hold them), a Kafka key, a Streams store. Every
 * number is ≥ 0: amounts, prices and quantities have no negative meaning here. Control characters
 * are refused in every string (a CR/LF in an address or subject is header injection).
 */
public final class FieldLimits {
    /** A string field not named below (ids, names, categories). */
    public static final int DEFAULT_MAX_LENGTH = 200;
    /** The longest e-mail address SMTP can carry (RFC 5321: a 256-octet path less the brackets). */
    public static final int EMAIL_MAX_LENGTH = 254;
    /** Order lines per order; more is not a basket a shop sends. */
    public static final int MAX_ORDER_LINES = 100;
    /** Customers named in one CampaignTriggered; a larger audience is a segment ({@code audienceSegment}). */
    public static final int MAX_CAMPAIGN_CUSTOMERS = 1000;
    /** Entries of a {@code context} map (each value at most 4,096 characters). */
    public static final int MAX_MAP_ENTRIES = 20;
    /** Instants in a payload may be scheduled ahead, but not past this. */
    public static final Instant LATEST_INSTANT = Instant.parse("2100-01-01T00:00:00Z");

    private static final Map<String, Integer> MAX_LENGTH = Map.ofEntries(
            Map.entry("email", EMAIL_MAX_LENGTH),
            Map.entry("phone", 32),
            Map.entry("template", 100),
            Map.entry("currency", 3),
            Map.entry("timeZone", 64),
            Map.entry("pageUrl", 2048),
            Map.entry("referrer", 2048),
            Map.entry("userAgent", 512),
            // a page's data layer, campaign parameters: web analytics context runs to a few KB (the simulator pads events with it)
            Map.entry("context", 4096));
    private static final Map<String, Integer> MAX_ITEMS = Map.of("lines", MAX_ORDER_LINES, "customerIds", MAX_CAMPAIGN_CUSTOMERS);
    /** Strict enough for SMTP and for a human to read: no quoted local parts, no comments, no IP literals. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()./-]{3,31}");

    private FieldLimits() {
    }

    public static int maxLength(String field) {
        return MAX_LENGTH.getOrDefault(field, DEFAULT_MAX_LENGTH);
    }

    /** The most items an array field may hold; arrays not named are unbounded only by the body limit, so name them all. */
    public static int maxItems(String field) {
        return MAX_ITEMS.getOrDefault(field, MAX_ORDER_LINES);
    }

    /** The rule a string value breaks, if any. */
    public static Optional<String> checkString(String field, String value) {
        int max = maxLength(field);
        if (value.length() > max) {
            return Optional.of("must be at most " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return Optional.of("must not contain control characters (found U+" + String.format("%04X", (int) value.charAt(i)) + ")");
            }
        }
        switch (field) {
            case "email":
                return EMAIL.matcher(value).matches() && value.indexOf('@') <= 64 ? Optional.empty()
                        : Optional.of("must be an e-mail address such as name@example.com");
            case "currency":
                return CURRENCY.matcher(value).matches() ? Optional.empty() : Optional.of("must be an ISO 4217 code such as EUR");
            case "phone":
                return PHONE.matcher(value).matches() ? Optional.empty() : Optional.of("must be a phone number such as +49 30 1234567");
            case "timeZone":
                try {
                    ZoneId.of(value);
                    return Optional.empty();
                } catch (DateTimeException e) {
                    return Optional.of("must be an IANA time zone such as Europe/Berlin");
                }
            default:
                return Optional.empty();
        }
    }

    /** An instant in a payload: from 1970 (Kafka's and Avro's timestamps start there) to {@link #LATEST_INSTANT}. */
    public static Optional<String> checkInstant(Instant at) {
        return at.isBefore(Instant.EPOCH) || at.isAfter(LATEST_INSTANT)
                ? Optional.of("must be between 1970-01-01T00:00:00Z and " + LATEST_INSTANT) : Optional.empty();
    }
}
