package io.heomdm.campaigns;

import io.heomdm.events.schema.Channel;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;

/**
 * The delivery gate's rules.
 *
 * @param caps       frequency caps, all applied: the strictest wins
 * @param quietFrom  quiet hours start, in the customer's own time zone; null for none
 * @param quietUntil quiet hours end (before {@code quietFrom}: the quiet time spans midnight)
 */
public record GateSettings(List<FrequencyCap> caps, LocalTime quietFrom, LocalTime quietUntil) {
    public GateSettings {
        caps = List.copyOf(caps);
    }

    /** At most {@code max} marketing messages within {@code window}, on {@code channel} or (null) on all channels together. */
    public record FrequencyCap(Channel channel, int max, Duration window) {
        @Override
        public String toString() {
            return max + " per " + window.toHours() + " h" + (channel == null ? "" : " on " + channel.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** 3 marketing messages a week on all channels, 1 a day on each; quiet from 21:00 to 08:00 local time. */
    public static GateSettings defaults() {
        return new GateSettings(List.of(new FrequencyCap(null, 3, Duration.ofDays(7)), new FrequencyCap(Channel.EMAIL, 1, Duration.ofDays(1)),
                new FrequencyCap(Channel.SMS, 1, Duration.ofDays(1)), new FrequencyCap(Channel.PUSH, 1, Duration.ofDays(1))),
                LocalTime.of(21, 0), LocalTime.of(8, 0));
    }

    Duration longestWindow() {
        return caps.stream().map(FrequencyCap::window).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
