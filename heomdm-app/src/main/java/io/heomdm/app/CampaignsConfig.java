package io.heomdm.app;

import io.heomdm.campaigns.BuiltInJourneys;
import io.heomdm.campaigns.CampaignSettings;
import io.heomdm.campaigns.GateSettings;
import io.heomdm.campaigns.Journey;
import io.heomdm.campaigns.JourneyDefinitions;
import io.heomdm.campaigns.JourneySpec;
import io.heomdm.campaigns.MessageCosts;
import io.heomdm.campaigns.PriceDropSettings;
import io.heomdm.events.schema.Channel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Campaign journeys (Kafka Streams) and the delivery gate.
 *
 * @param tickSeconds how often the journeys' timers are looked at
 * @param journeys    journeys of one's own, by id, in the shape of {@link JourneySpec}
 */
public record CampaignsConfig(boolean enabled, @Between(min = 1, max = 64) int threads, @Between(min = 1, max = 3600) int tickSeconds,
        @NotNull(message = HeomdmConfig.SET) @Valid CartAbandonment cartAbandonment, @NotNull(message = HeomdmConfig.SET) @Valid WinBack winBack,
        @NotNull(message = HeomdmConfig.SET) @Valid PriceDrop priceDrop, @NotNull(message = HeomdmConfig.SET) @Valid Gate gate,
        @NotNull(message = HeomdmConfig.SET) @Valid Costs costs, @NotNull(message = HeomdmConfig.SET) Map<String, JourneySpec> journeys) {

    private static final String TEMPLATE_RULE = "must name a template";

    /** @param perMessage email, sms, push → what one message costs a campaign with a budget */
    public record Costs(@NotNull(message = CURRENCY_RULE) @Pattern(regexp = "[A-Z]{3}", message = CURRENCY_RULE) String currency,
            @NotNull(message = HeomdmConfig.SET) Map<Channel, BigDecimal> perMessage) {
        static final String CURRENCY_RULE = "must be an ISO 4217 code such as EUR";
    }

    public record PriceDrop(boolean enabled, @Between(min = 0.1, max = 100) double minDropPercent, @Between(min = 1, max = 365) int viewedWithinDays,
            @NotBlank(message = TEMPLATE_RULE) String template) {
    }

    public record CartAbandonment(boolean enabled, @Between(min = 1, max = 10_080) int firstAfterMinutes,
            @Between(min = 1, max = 720) int secondAfterHours, @Between(min = 0, max = 8_760) int cooldownHours) {
    }

    public record WinBack(boolean enabled, @NotEmpty(message = "must name at least one segment") List<String> segments,
            @NotBlank(message = TEMPLATE_RULE) String template, @Between(min = 0, max = 3650) int cooldownDays) {
    }

    /** @param channel one channel, or all of them together */
    public record Cap(@NotNull(message = HeomdmConfig.SET) Scope channel, @Between(min = 0, max = 10_000) int max,
            @Between(min = 1, max = 24 * 365) int windowHours) {
        public enum Scope {
            ALL, EMAIL, SMS, PUSH;

            /** null for all channels together. */
            Channel channel() {
                return this == ALL ? null : Channel.valueOf(name());
            }
        }
    }

    /** @param quietFrom quiet hours' start in the customer's time zone, "HH:mm"; empty for none */
    public record Gate(@NotNull(message = HeomdmConfig.SET) List<@NotNull(message = HeomdmConfig.SET) @Valid Cap> caps,
            @NotNull(message = HeomdmConfig.SET) String quietFrom, @NotNull(message = HeomdmConfig.SET) String quietUntil) {
    }

    public MessageCosts messageCosts() {
        return new MessageCosts(costs.perMessage(), costs.currency());
    }

    /** The built-in journeys switched on, then one's own; call after {@link #check} found nothing. */
    private List<Journey> allJourneys() {
        List<Journey> all = new ArrayList<>();
        if (cartAbandonment.enabled()) {
            all.add(BuiltInJourneys.cartAbandonment(Duration.ofMinutes(cartAbandonment.firstAfterMinutes()),
                    Duration.ofHours(cartAbandonment.secondAfterHours()), Duration.ofHours(cartAbandonment.cooldownHours())));
        }
        if (winBack.enabled()) {
            all.addAll(BuiltInJourneys.winBack(winBack.segments(), winBack.template(), Duration.ofDays(winBack.cooldownDays())));
        }
        if (priceDrop.enabled()) {
            all.add(BuiltInJourneys.priceDrop(priceDrop.template()));
        }
        List<String> ignored = new ArrayList<>();
        journeys.forEach((id, spec) -> spec.compile(id, "campaigns.journeys." + id, ignored).ifPresent(all::add));
        return all;
    }

    public CampaignSettings settings() {
        return new CampaignSettings(allJourneys(), gateSettings(), Duration.ofSeconds(tickSeconds), priceDrop.enabled()
                ? new PriceDropSettings(priceDrop.minDropPercent(), Duration.ofDays(priceDrop.viewedWithinDays()), priceDrop.template()) : null);
    }

    private GateSettings gateSettings() {
        var caps = gate.caps().stream().map(c -> new GateSettings.FrequencyCap(c.channel().channel(), c.max(), Duration.ofHours(c.windowHours())))
                .toList();
        boolean quiet = !gate.quietFrom().isBlank();
        return new GateSettings(caps, quiet ? LocalTime.parse(gate.quietFrom()) : null, quiet ? LocalTime.parse(gate.quietUntil()) : null);
    }

    /** The rules that tie settings together or look inside a value; each one's own rule is a constraint above. */
    void check(List<String> p) {
        if (gate.quietFrom().isBlank() != gate.quietUntil().isBlank()) {
            p.add("campaigns.gate.quietFrom, campaigns.gate.quietUntil: give both, or neither for no quiet hours");
        } else if (!gate.quietFrom().isBlank()) {
            for (var t : Map.of("quietFrom", gate.quietFrom(), "quietUntil", gate.quietUntil()).entrySet()) {
                try {
                    LocalTime.parse(t.getValue());
                } catch (java.time.format.DateTimeParseException e) {
                    p.add("campaigns.gate." + t.getKey() + ": must be a time of day such as 21:00");
                }
            }
        }
        costs.perMessage().forEach((channel, cost) -> {
            if (cost == null || cost.signum() < 0 || cost.scale() > 2) {
                p.add("campaigns.costs.perMessage." + channel.name().toLowerCase(java.util.Locale.ROOT) + ": must be 0 or more, in cents at most (0.01)");
            }
        });
        journeys.forEach((id, spec) -> {
            JourneyDefinitions.idProblem(id).ifPresent(problem -> p.add("campaigns.journeys." + id + ": " + problem));
            spec.compile(id, "campaigns.journeys." + id, p);
        });
    }
}
