package io.heomdm.campaigns;

import io.heomdm.events.schema.Channel;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The delivery gate, applied to each message before it is queued, in this order: consent for the
 * channel (and an address on it) → suppression list → frequency caps (strictest wins) → quiet hours
 * in the customer's own time zone, which defer the message to the next allowed time rather than drop
 * it. Transactional messages (an order confirmation) need only an address: they bypass the rest.
 */
public final class DeliveryGate {
    private final GateSettings settings;

    public DeliveryGate(GateSettings settings) {
        this.settings = settings;
    }

    public sealed interface Decision {
    }

    public record Send() implements Decision {
    }

    public record Defer(Instant until, String reason) implements Decision {
    }

    public record Suppress(String reason) implements Decision {
    }

    public Decision decide(CampaignCustomer customer, String customerId, Channel channel, boolean transactional, Instant now) {
        var contact = customer.contact();
        if (contact.recipient(channel, customerId) == null) {
            return new Suppress("no-address: no " + channel.name().toLowerCase(java.util.Locale.ROOT) + " address known");
        }
        if (transactional) {
            return new Send();
        }
        if (!contact.consents(channel)) {
            return new Suppress("consent: no marketing consent for " + channel.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (customer.suppressed() != null) {
            return new Suppress("suppressed: " + customer.suppressed());
        }
        for (var cap : settings.caps()) {
            long within = customer.sent().stream().filter(s -> (cap.channel() == null || cap.channel() == s.channel())
                    && s.at().isAfter(now.minus(cap.window()))).count();
            if (within >= cap.max()) {
                return new Suppress("frequency-cap: " + cap);
            }
        }
        if (settings.quietFrom() != null) {
            ZoneId zone = zone(contact.timeZone());
            ZonedDateTime local = now.atZone(zone);
            if (quiet(local.toLocalTime())) {
                return new Defer(nextAllowed(local, zone), "quiet-hours: " + settings.quietFrom() + "-" + settings.quietUntil() + " " + zone);
            }
        }
        return new Send();
    }

    private boolean quiet(LocalTime t) {
        LocalTime from = settings.quietFrom();
        LocalTime until = settings.quietUntil();
        return from.isBefore(until) ? !t.isBefore(from) && t.isBefore(until) : !t.isBefore(from) || t.isBefore(until);
    }

    /** The next end of quiet hours: today's if it is still ahead, else tomorrow's (ZonedDateTime resolves a DST gap forward). */
    private Instant nextAllowed(ZonedDateTime local, ZoneId zone) {
        LocalDate day = local.toLocalTime().isBefore(settings.quietUntil()) ? local.toLocalDate() : local.toLocalDate().plusDays(1);
        return ZonedDateTime.of(day, settings.quietUntil(), zone).toInstant();
    }

    /** An unknown zone is read as UTC rather than losing the message. */
    static ZoneId zone(String timeZone) {
        try {
            return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
