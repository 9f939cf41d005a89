package io.heomdm.campaigns;

import io.heomdm.events.EventIds;
import io.heomdm.events.schema.CampaignTerms;
import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.DeliveryOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Moves a customer's journey runs on: an event may end runs (exit conditions), answer waits and
 * start runs; a timer ends a delay, times a wait out or retries a deferred message. Pure: the
 * processor keeps the state and the timers and publishes the decisions.
 */
public final class JourneyEngine {
    /** Run keys are a journey's id, or its id, '#' and what tells its parallel runs apart (journey ids hold no '#'). */
    static final char RUN_KEY_SEPARATOR = '#';
    /** The journey id of marketers' campaigns' runs ({@code campaign#campaignId}): not a configurable id. */
    public static final String CAMPAIGN = "campaign";
    private static final String CHANNEL = "channel";
    private static final String TEMPLATE = "template";
    /** A campaign run's terms, kept with its fields and handed to the dispatcher on its decisions, not to its template. */
    private static final String ACCOUNT = "accountId";
    private static final String DAILY_CAP = "dailyCap";
    private static final String BUDGET = "budget";
    /** A run moves through at most this many nodes per call: a journey whose branches loop cannot spin the stream thread. */
    private static final int MAX_STEPS = 100;
    private final Map<String, Journey> journeys = new LinkedHashMap<>();
    private final DeliveryGate gate;
    private final GateSettings settings;
    private final JourneyQuarantine quarantine;

    public JourneyEngine(List<Journey> journeys, GateSettings settings) {
        this(journeys, settings, new JourneyQuarantine());
    }

    public JourneyEngine(List<Journey> journeys, GateSettings settings, JourneyQuarantine quarantine) {
        journeys.forEach(j -> this.journeys.put(j.id(), j));
        this.settings = settings;
        this.gate = new DeliveryGate(settings);
        this.quarantine = quarantine;
    }

    /** Whether some journey's entry is an event of this type. */
    public boolean startsOn(String type) {
        return journeys.values().stream().anyMatch(j -> type.equals(j.entry().event()));
    }

    /** A gate decision with the chain it belongs to. */
    public record Decided(UUID eventId, DeliveryDecided decision, String correlationId, String causationId, String traceparent, Instant at) {
    }

    /** The event that moves a customer's runs: its id (the decisions' cause) and its trace, which a run keeps from its entry on. */
    public record Cause(String eventId, String traceparent) {
    }

    /** An event of the customer's: exits first, then answered waits, then entries. */
    public CampaignCustomer onEvent(String customerId, CampaignCustomer customer, String type, Map<String, String> fields, Cause cause,
            Instant now, List<Decided> out) {
        var work = new Work(customerId, customer, now, cause, out);
        for (var run : List.copyOf(work.runs.entrySet())) {
            Journey journey = journeyFor(run.getKey(), run.getValue());
            if (journey == null) {
                work.runs.remove(run.getKey());             // a journey no longer configured: its runs stop
            } else if (journey.exitOn().contains(type)) {
                work.end(run.getKey());
            } else if (journey.nodes().get(run.getValue().node()) instanceof Journey.WaitFor w && type.equals(w.event())) {
                quarantine.guard(journey, () -> work.advance(journey, run.getKey(), run.getValue().at(w.onEvent())));
            }
        }
        for (Journey journey : journeys.values()) {
            quarantine.guard(journey, () -> {
                if (journey.entry().admits(type, fields)) {
                    work.enter(journey, journey.id(), fields, null);
                }
            });
        }
        return work.current();
    }

    /** The customer entered a segment: answered waits, then entries. (Leaving a segment moves nothing yet.) */
    public CampaignCustomer onSegmentEntered(String customerId, CampaignCustomer customer, String segment, Cause cause, Instant now,
            List<Decided> out) {
        var work = new Work(customerId, customer, now, cause, out);
        for (var run : List.copyOf(work.runs.entrySet())) {
            Journey journey = journeyFor(run.getKey(), run.getValue());
            if (journey != null && journey.nodes().get(run.getValue().node()) instanceof Journey.WaitFor w && segment.equals(w.segment())) {
                quarantine.guard(journey, () -> work.advance(journey, run.getKey(), run.getValue().at(w.onEvent())));
            }
        }
        for (Journey journey : journeys.values()) {
            if (segment.equals(journey.entry().segment())) {
                quarantine.guard(journey, () -> work.enter(journey, journey.id(), Map.of("segment", segment), null));
            }
        }
        return work.current();
    }

    /**
     * A product the customer viewed dropped in price: a run of the price-drop journey for that
     * product, once per product and customer (its run key is {@code price-drop#productId}).
     */
    public CampaignCustomer onPriceDrop(String customerId, CampaignCustomer customer, String productId, Map<String, String> fields,
            Cause cause, Instant now, List<Decided> out) {
        var work = new Work(customerId, customer, now, cause, out);
        Journey journey = journeys.get(BuiltInJourneys.PRICE_DROP);
        String runKey = BuiltInJourneys.PRICE_DROP + RUN_KEY_SEPARATOR + productId;
        if (journey != null && !work.history.containsKey(runKey)) {
            work.enter(journey, runKey, fields, null);
        }
        return work.current();
    }

    /**
     * A marketer's campaign reached the customer (named in its list, or a member of its segment): one
     * message, at its scheduled time if that is ahead, through the same gate; once per campaign.
     */
    public CampaignCustomer onCampaign(String customerId, CampaignCustomer customer, CampaignTriggered campaign, Cause cause, Instant now,
            List<Decided> out) {
        var work = new Work(customerId, customer, now, cause, out);
        String runKey = CAMPAIGN + RUN_KEY_SEPARATOR + campaign.getCampaignId();
        if (!work.history.containsKey(runKey)) {
            Map<String, String> fields = new HashMap<>(Map.of("campaignId", campaign.getCampaignId(), "campaignName", campaign.getName(),
                    CHANNEL, campaign.getChannel().name(), TEMPLATE, campaign.getTemplate(), ACCOUNT,
                    campaign.getAccountId() != null ? campaign.getAccountId() : CAMPAIGN + ":" + campaign.getCampaignId()));
            if (campaign.getDailyCap() != null) {
                fields.put(DAILY_CAP, campaign.getDailyCap().toString());
            }
            if (campaign.getBudget() != null) {
                fields.put(BUDGET, campaign.getBudget().toPlainString());
            }
            Instant at = campaign.getScheduledAt() != null && campaign.getScheduledAt().isAfter(now) ? campaign.getScheduledAt() : null;
            work.enter(campaignJourney(fields), runKey, fields, at);
        }
        return work.current();
    }

    /** A configured journey, or for a campaign's run the one-message journey its fields describe; null for one no longer configured. */
    private Journey journeyFor(String runKey, CampaignCustomer.Run run) {
        String id = journeyOf(runKey);
        return id.equals(CAMPAIGN) ? campaignJourney(run.fields()) : journeys.get(id);
    }

    private static Journey campaignJourney(Map<String, String> fields) {
        return new Journey(CAMPAIGN, 1, new Journey.Entry(null, null, null),
                List.<Journey.Node>of(new Journey.Message("send", Channel.valueOf(fields.get(CHANNEL)), fields.get(TEMPLATE))), Set.of(),
                Duration.ZERO, false);
    }

    /** journey:&lt;id&gt;, or campaign:&lt;id&gt; for a marketer's campaign: what the decisions are counted under. */
    private static String source(String runKey, Journey journey) {
        return journey.id().equals(CAMPAIGN) ? CAMPAIGN + ":" + runKey.substring(runKey.indexOf(RUN_KEY_SEPARATOR) + 1) : "journey:" + journey.id();
    }


    static String journeyOf(String runKey) {
        int i = runKey.indexOf(RUN_KEY_SEPARATOR);
        return i < 0 ? runKey : runKey.substring(0, i);
    }

    /** A run's timer fired. */
    public CampaignCustomer onTimer(String customerId, CampaignCustomer customer, String runKey, Instant now, List<Decided> out) {
        var work = new Work(customerId, customer, now, new Cause(null, null), out);
        CampaignCustomer.Run run = work.runs.get(runKey);
        Journey journey = run == null ? null : journeyFor(runKey, run);
        if (journey == null) {
            work.runs.remove(runKey);
        } else if (run != null) {
            quarantine.guard(journey, () -> work.advance(journey, runKey, run));
        }
        return work.current();
    }

    /** The idempotency key of a message: the same run (journey, version, run number) and step of a customer always give the same id. */
    static UUID deliveryId(String runKey, CampaignCustomer.Run run, String step, String customerId) {
        String key = "journey:" + runKey + "/v" + run.version() + "/run-" + run.run() + "/" + step + "/" + customerId;
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }

    /** One call's working copy of the customer. */
    private final class Work {
        final String customerId;
        final CampaignCustomer before;
        final Instant now;
        final String causationId;
        final String traceparent;
        final List<Decided> out;
        final Map<String, CampaignCustomer.Run> runs;
        final Map<String, CampaignCustomer.History> history;
        final List<CampaignCustomer.Sent> sent;

        Work(String customerId, CampaignCustomer before, Instant now, Cause cause, List<Decided> out) {
            this.customerId = customerId;
            this.before = before;
            this.now = now;
            this.causationId = cause.eventId();
            this.traceparent = cause.traceparent();
            this.out = out;
            this.runs = new LinkedHashMap<>(before.runs());
            this.history = new HashMap<>(before.history());
            // only what a cap can still count is kept
            this.sent = new ArrayList<>(before.sent().stream().filter(s -> s.at().isAfter(now.minus(settings.longestWindow()))).toList());
        }

        /** @param startAt when the first node is due (a campaign's schedule); null for now */
        void enter(Journey journey, String runKey, Map<String, String> fields, Instant startAt) {
            var h = history.getOrDefault(runKey, new CampaignCustomer.History(0, null));
            if (runs.containsKey(runKey) || h.lastEnded() != null && now.isBefore(h.lastEnded().plus(journey.reentryCooldown()))) {
                return;
            }
            if (runs.size() >= CampaignCustomer.MAX_RUNS) {
                return; // whatever a client triggers, one customer's state stays far below the changelog's message size
            }
            history.put(runKey, new CampaignCustomer.History(h.runs() + 1, h.lastEnded()));
            advance(journey, runKey, new CampaignCustomer.Run(journey.version(), h.runs() + 1, 0, now, startAt, fields, causationId,
                    traceparent));
        }

        void end(String runKey) {
            runs.remove(runKey);
            var h = history.getOrDefault(runKey, new CampaignCustomer.History(0, null));
            history.put(runKey, new CampaignCustomer.History(h.runs(), now));
        }

        void advance(Journey journey, String runKey, CampaignCustomer.Run run) {
            for (int steps = 0; steps < MAX_STEPS; steps++) {
                if (run.node() >= journey.nodes().size()) {
                    end(runKey);
                    return;
                }
                Journey.Node node = journey.nodes().get(run.node());
                if (node instanceof Journey.Delay d) {
                    if (run.dueAt() == null || now.isBefore(run.dueAt())) {
                        runs.put(runKey, run.dueAt() == null ? run.due(now.plus(d.duration())) : run);
                        return;
                    }
                    run = run.at(run.node() + 1);
                } else if (node instanceof Journey.WaitFor w) {
                    if (run.dueAt() == null || now.isBefore(run.dueAt())) {
                        runs.put(runKey, run.dueAt() == null ? run.due(now.plus(w.timeout())) : run);
                        return;
                    }
                    run = run.at(w.onTimeout());
                } else if (node instanceof Journey.Split s) {
                    boolean then = s.condition() != null ? s.condition().test(run.fields()) : draw(runKey, run, s.id()) < s.percent();
                    run = run.at(then ? s.then() : s.otherwise());
                } else if (node instanceof Journey.Message m) {
                    if (run.dueAt() != null && now.isBefore(run.dueAt())) {
                        runs.put(runKey, run);
                        return;
                    }
                    var decision = gate.decide(current(), customerId, m.channel(), journey.transactional(), now);
                    publish(journey, runKey, run, m, decision);
                    if (decision instanceof DeliveryGate.Defer defer) {
                        runs.put(runKey, run.due(defer.until()));
                        return;
                    }
                    if (decision instanceof DeliveryGate.Send && !journey.transactional()) {
                        sent.add(new CampaignCustomer.Sent(now, m.channel()));
                    }
                    run = run.at(run.node() + 1);
                } else {
                    end(runKey);
                    return;
                }
            }
            end(runKey);
        }

        /** A stable draw in [0, 100) per (run, split): a replay splits alike. */
        private int draw(String runKey, CampaignCustomer.Run run, String step) {
            return Math.floorMod(deliveryId(runKey, run, step, customerId).getMostSignificantBits(), 100);
        }

        private void publish(Journey journey, String runKey, CampaignCustomer.Run run, Journey.Message m, DeliveryGate.Decision decision) {
            UUID deliveryId = deliveryId(runKey, run, m.id(), customerId);
            Map<String, String> variables = new LinkedHashMap<>(run.fields());
            variables.put("customerId", customerId);
            CampaignTerms terms = null;
            if (journey.id().equals(CAMPAIGN)) {
                String cap = variables.remove(DAILY_CAP);
                String budget = variables.remove(BUDGET);
                terms = new CampaignTerms(run.fields().get("campaignId"), variables.remove(ACCOUNT), cap == null ? null : Integer.valueOf(cap),
                        budget == null ? null : new java.math.BigDecimal(budget).setScale(2, java.math.RoundingMode.HALF_EVEN));
            }
            var b = DeliveryDecided.newBuilder().setDeliveryId(deliveryId.toString()).setCustomerId(customerId)
                    .setSource(source(runKey, journey)).setStep(m.id()).setChannel(m.channel()).setTemplate(m.template())
                    .setRecipient(before.contact().recipient(m.channel(), customerId)).setVariables(variables)
                    .setTransactional(journey.transactional()).setCampaign(terms);
            if (decision instanceof DeliveryGate.Send) {
                b.setOutcome(DeliveryOutcome.SENT);
            } else if (decision instanceof DeliveryGate.Defer d) {
                b.setOutcome(DeliveryOutcome.DEFERRED).setReason(d.reason()).setDeferredUntil(d.until());
            } else if (decision instanceof DeliveryGate.Suppress s) {
                b.setOutcome(DeliveryOutcome.SUPPRESSED).setReason(s.reason());
            }
            // its own id per decision (a deferred message is decided again), derived so that a replay repeats it
            UUID eventId = EventIds.derive(deliveryId, b.getOutcome().name() + "@" + now.toEpochMilli());
            out.add(new Decided(eventId, b.build(), run.entryEventId(), causationId, run.entryTraceparent(), now));
        }

        CampaignCustomer current() {
            return new CampaignCustomer(before.contact(), before.suppressed(), sent, runs, history).bounded();
        }
    }
}
