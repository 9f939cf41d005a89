package io.heomdm.campaigns;

import io.heomdm.events.schema.Channel;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;

/** What one message costs a billable campaign, per channel, in one currency; a channel not named costs nothing. */
public record MessageCosts(Map<Channel, BigDecimal> perChannel, String currency) {
    public MessageCosts {
        perChannel = perChannel.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(perChannel));
    }

    public BigDecimal of(Channel channel) {
        return perChannel.getOrDefault(channel, BigDecimal.ZERO).setScale(2, java.math.RoundingMode.HALF_EVEN);
    }

    /** 1 cent an e-mail, 5 an SMS, push free. */
    public static MessageCosts defaults() {
        return new MessageCosts(Map.of(Channel.EMAIL, new BigDecimal("0.01"), Channel.SMS, new BigDecimal("0.05")), "EUR");
    }
}
