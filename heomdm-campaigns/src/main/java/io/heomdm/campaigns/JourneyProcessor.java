package io.heomdm.campaigns;

import io.heomdm.eventlog.streams.Records;
import io.heomdm.events.Envelope;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.CustomerErased;
import io.heomdm.events.schema.CustomerSuppressed;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.PriceChanged;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import io.heomdm.events.schema.TaskFailed;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Journeys, keyed by customerId: the customer's events, segment entries, price drops and campaigns
 * move their runs (bounces and {@code CustomerSuppressed} keep the suppression list), and a
 * wall-clock punctuator fires the runs' timers from a time-indexed store (key
 * {@code dueMillis/customerId/runKey}, zero-padded so that key order is time order): nothing
 * sleeps, and runs and timers survive restarts in changelogged stores. Every gate decision goes out
 * as {@code DeliveryDecided}.
 */
public final class JourneyProcessor implements Processor<String, byte[], String, byte[]> {
    /** How a bounced notification's TaskFailed error starts (the notification worker's word for it). */
    static final String BOUNCE = "bounce";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JourneyProcessor.class);
    /** How often journeys defined through the API are looked for. */
    private static final Duration DEFINITIONS_EVERY = Duration.ofSeconds(5);
    private final List<Journey> configured;
    private final GateSettings gate;
    private final Duration tick;
    private final String customerStore;
    private final String timerStore;
    private final String definitionsStore;
    private final JourneyQuarantine quarantine;
    static final int TIMERS_PER_TICK = 1_000;
    private JourneyEngine engine;
    private Map<String, String> defined = Map.of();
    private KeyValueStore<String, String> definitions;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, CampaignCustomer> customers;
    private KeyValueStore<String, Timer> timers;
    private final InstantSource clock;

    /** @param definitionsStore the global store of journeys defined through the API: id → JSON */
    public JourneyProcessor(List<Journey> configured, GateSettings gate, Duration tick, String customerStore, String timerStore,
            String definitionsStore, JourneyQuarantine quarantine, InstantSource clock) {
        this.clock = clock;
        this.configured = List.copyOf(configured);
        this.gate = gate;
        this.quarantine = quarantine;
        this.engine = new JourneyEngine(configured, gate, quarantine);
        this.tick = tick;
        this.customerStore = customerStore;
        this.timerStore = timerStore;
        this.definitionsStore = definitionsStore;
    }

    /** A run's timer: the key {@code dueMillis/customerId/runKey} orders it, the value names it (ids may hold '/'). */
    public record Timer(String customerId, String runKey, long dueMillis) {
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.customers = context.getStateStore(customerStore);
        this.timers = context.getStateStore(timerStore);
        this.definitions = context.getStateStore(definitionsStore);
        readDefinitions(0);
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::fire);
        context.schedule(DEFINITIONS_EVERY, PunctuationType.WALL_CLOCK_TIME, this::readDefinitions);
    }

    /** Takes in journeys defined through the API since the last look (a handful of small entries: all are read). */
    private void readDefinitions(long wallClockMillis) {
        Map<String, String> now = new java.util.TreeMap<>();
        try (KeyValueIterator<String, String> all = definitions.all()) {
            all.forEachRemaining(kv -> now.put(kv.key, kv.value));
        }
        if (!now.equals(defined)) {
            List<Journey> journeys = new ArrayList<>(configured);
            journeys.addAll(JourneyDefinitions.compile(now, configured.stream().map(Journey::id).collect(java.util.stream.Collectors.toSet()),
                    LOG::warn));
            engine = new JourneyEngine(journeys, gate, quarantine);
            defined = now;
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        var event = Records.eventWithoutContext(record);
        String customerId = record.key();
        Instant now = clock.instant();
        CampaignCustomer before = customers.get(customerId);
        CampaignCustomer customer = before == null ? CampaignCustomer.NEW : before;
        var cause = new JourneyEngine.Cause(event.envelope().eventId().toString(), event.envelope().traceparent());
        List<JourneyEngine.Decided> out = new ArrayList<>();
        CampaignCustomer after;
        if (event.payload() instanceof CustomerErased) {
            save(customerId, before, null);
            return;
        } else if (event.payload() instanceof SegmentEntered entered) {
            after = engine.onSegmentEntered(customerId, customer, entered.getSegment(), cause, now, out);
        } else if (event.payload() instanceof SegmentExited) {
            return;
        } else if (event.payload() instanceof CampaignTriggered c) {
            after = engine.onCampaign(customerId, customer, c, cause, now, out);
        } else if (event.payload() instanceof PriceChanged p) {
            after = engine.onPriceDrop(customerId, customer, p.getProductId(), Map.of("productId", p.getProductId(),
                    "previousPrice", p.getPreviousPrice().toPlainString(), "price", p.getFinalPrice().toPlainString(),
                    "currency", p.getCurrency(), "dropPercent", String.valueOf(PriceDropViewers.dropPercent(p))), cause, now, out);
        } else if (event.payload() instanceof TaskFailed) {
            after = customer.suppressedFor(BOUNCE);
        } else if (event.payload() instanceof CustomerSuppressed s) {
            after = customer.suppressedFor(s.getSuppressed() ? s.getReason() : null);
        } else {
            String type = event.envelope().type();
            // an event's fields are read only when some journey may start on it: most events start none
            after = engine.onEvent(customerId, contact(customer, event.payload()), type,
                    engine.startsOn(type) ? fields(event.payload()) : Map.of(), cause, now, out);
        }
        save(customerId, before, after);
        out.forEach(this::forward);
    }

    /**
     * Fires the timers due by now (the clock's, not the punctuation's {@code wallClockMillis}), oldest first, at most {@value #TIMERS_PER_TICK} per
     * tick: a fired timer is deleted or moved, so the next tick goes on where this one stopped, and
     * one punctuation stays far inside the exactly-once transaction timeout however many fall due at once.
     */
    private void fire(long wallClockMillis) {
        long timestamp = clock.millis();
        List<KeyValue<String, Timer>> due = new ArrayList<>();
        try (KeyValueIterator<String, Timer> it = timers.range(pad(0), pad(timestamp) + "/\uffff")) {
            while (it.hasNext() && due.size() < TIMERS_PER_TICK) {
                due.add(it.next());
            }
        }
        Instant now = Instant.ofEpochMilli(timestamp);
        for (var entry : due) {
            Timer timer = entry.value;
            CampaignCustomer customer = customers.get(timer.customerId());
            var run = customer == null ? null : customer.runs().get(timer.runKey());
            if (run == null || run.dueAt() == null || run.dueAt().toEpochMilli() != timer.dueMillis()) {
                timers.delete(entry.key);                   // its run moved on since
                continue;
            }
            List<JourneyEngine.Decided> out = new ArrayList<>();
            save(timer.customerId(), customer, engine.onTimer(timer.customerId(), customer, timer.runKey(), now, out));
            out.forEach(this::forward);
        }
    }

    /** Stores the customer and moves each run's timer with its due time. */
    private void save(String customerId, CampaignCustomer before, CampaignCustomer after) {
        Set<String> runKeys = new HashSet<>();
        if (before != null) {
            runKeys.addAll(before.runs().keySet());
        }
        if (after != null) {
            runKeys.addAll(after.runs().keySet());
        }
        for (String runKey : runKeys) {
            Instant was = due(before, runKey);
            Instant is = due(after, runKey);
            if (!Objects.equals(was, is)) {
                if (was != null) {
                    timers.delete(timerKey(was, customerId, runKey));
                }
                if (is != null) {
                    timers.put(timerKey(is, customerId, runKey), new Timer(customerId, runKey, is.toEpochMilli()));
                }
            }
        }
        if (after == null) {
            customers.delete(customerId);
        } else if (!after.equals(before)) {
            customers.put(customerId, after);
        }
    }

    private static Instant due(CampaignCustomer c, String runKey) {
        var run = c == null ? null : c.runs().get(runKey);
        return run == null ? null : run.dueAt();
    }

    private static String timerKey(Instant due, String customerId, String runKey) {
        return pad(due.toEpochMilli()) + "/" + customerId + "/" + runKey;
    }

    private static String pad(long millis) {
        return String.format("%013d", millis);
    }

    private void forward(JourneyEngine.Decided d) {
        var type = EventCatalog.DELIVERY_DECIDED;
        var envelope = new Envelope(d.eventId(), type.name(), type.version(), d.decision().getCustomerId(), d.at(), d.correlationId(),
                d.causationId(), d.traceparent());
        context.forward(Records.of(envelope, d.decision()));
    }

    /** What the customer's events say of how to reach them. */
    private static CampaignCustomer contact(CampaignCustomer c, SpecificRecord payload) {
        var contact = c.contact();
        if (payload instanceof CustomerUpdated u) {
            Set<Channel> consented = EnumSet.noneOf(Channel.class);
            if (u.getConsent().getEmail()) {
                consented.add(Channel.EMAIL);
            }
            if (u.getConsent().getSms()) {
                consented.add(Channel.SMS);
            }
            if (u.getConsent().getPush()) {
                consented.add(Channel.PUSH);
            }
            contact = new CampaignCustomer.Contact(u.getEmail() != null ? u.getEmail() : contact.email(),
                    u.getPhone() != null ? u.getPhone() : contact.phone(), u.getTimeZone(), consented);
        } else if (payload instanceof OrderPlaced o && o.getEmail() != null && contact.email() == null) {
            contact = new CampaignCustomer.Contact(o.getEmail(), contact.phone(), contact.timeZone(), contact.consented());
        }
        return contact == c.contact() ? c : new CampaignCustomer(contact, c.suppressed(), c.sent(), c.runs(), c.history());
    }

    /** An event's scalar fields as text, for entry conditions and message variables. */
    static Map<String, String> fields(SpecificRecord payload) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Schema.Field f : payload.getSchema().getFields()) {
            Object v = payload.get(f.pos());
            if (v != null && !(v instanceof Map) && !(v instanceof List) && !(v instanceof SpecificRecord)) {
                fields.put(f.name(), v instanceof java.math.BigDecimal b ? b.toPlainString() : v.toString());
            }
        }
        return fields;
    }
}
