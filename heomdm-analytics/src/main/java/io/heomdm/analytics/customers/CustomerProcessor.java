package io.heomdm.analytics.customers;

import io.heomdm.analytics.profiles.CustomerProfile;
import io.heomdm.analytics.scores.CustomerScores;
import io.heomdm.analytics.scores.Population;
import io.heomdm.analytics.scores.ScoringNorms;
import io.heomdm.analytics.segments.Rule;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.analytics.segments.SegmentDefinitions;
import io.heomdm.eventlog.KafkaHeaders;
import io.heomdm.eventlog.streams.DecodedValues;
import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.EventType;
import io.heomdm.events.schema.CustomerErased;
import io.heomdm.events.schema.CustomerScored;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import io.heomdm.events.schema.SegmentTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds each customer's events into their profile and publishes what changes: segment entries and
 * exits, and scores. A wall-clock punctuator evaluates every customer again, so a time window that
 * moves ("no order in the last 30 days") changes a membership with no event arriving, and reads the
 * RFM cut points and the usual gap between purchases off the population it passes over.
 *
 * <p>Everything here runs under {@code exactly_once_v2}: the store writes and the records published
 * for one event (or one sweep) commit together, so a crash repeats none of them downstream.
 */
final class CustomerProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerProcessor.class);
    private static final String NORMS = "norms";

    private static final Duration DEFINITIONS_EVERY = Duration.ofSeconds(5);
    private final CustomerAnalyticsSettings settings;
    private final SegmentCatalog configured;
    private SegmentCatalog catalog;
    private Map<String, String> defined = Map.of();
    private KeyValueStore<String, String> definitions;
    private ProcessorContext<String, byte[]> context;
    /** Customers per task kept decoded: a visitor's events come in bursts (a session), each reading and rewriting their state. */
    private static final int DECODED_CUSTOMERS = 1024;
    private KeyValueStore<String, CustomerState> customerStore;
    private DecodedValues<String, CustomerState> customers;
    private KeyValueStore<String, ScoringNorms> normsStore;
    private ScoringNorms norms; // what normsStore holds: read once, not per event
    private KeyValueStore<String, Long> members;
    private long nextRequantile;
    /** Customers per sweep punctuation, and how often one runs while a pass is under way. */
    static final int SWEEP_SLICE = 2_000;
    private static final Duration SLICE_EVERY = Duration.ofSeconds(1);
    /** The last customer the pass under way evaluated ("" at its start), or null between passes. */
    private String sweptUpTo;
    private long nextPass;
    private Population population;

    CustomerProcessor(CustomerAnalyticsSettings settings, SegmentCatalog configured) {
        this.settings = settings;
        this.configured = configured;
        this.catalog = configured;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.customerStore = context.getStateStore(CustomerTopology.CUSTOMERS_STORE);
        this.customers = new DecodedValues<>(customerStore, DECODED_CUSTOMERS);
        this.normsStore = context.getStateStore(CustomerTopology.NORMS_STORE);
        this.norms = settings.fixedCuts().map(c -> new ScoringNorms(c, ScoringNorms.DEFAULT.usualGap()))
                .or(() -> Optional.ofNullable(normsStore.get(NORMS)))
                .orElse(ScoringNorms.DEFAULT);
        this.members = context.getStateStore(CustomerTopology.MEMBERS_STORE);
        this.definitions = context.getStateStore(CustomerTopology.DEFINITIONS_STORE);
        readDefinitions(context.currentSystemTimeMs());
        context.schedule(DEFINITIONS_EVERY, PunctuationType.WALL_CLOCK_TIME, this::readDefinitions);
        nextPass = context.currentSystemTimeMs() + settings.sweepEvery().toMillis();
        Duration slices = settings.sweepEvery().compareTo(SLICE_EVERY) < 0 ? settings.sweepEvery() : SLICE_EVERY;
        context.schedule(slices, PunctuationType.WALL_CLOCK_TIME, this::sweepSlice);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        // a record that cannot be read throws: the dead-letter handler parks it and the partition goes on
        Envelope envelope = KafkaHeaders.envelope(record.headers(), record.key(), record.timestamp());
        Event<SpecificRecord> event = new Event<>(envelope, AvroCodec.decodeWithoutContext(envelope, record.value()));
        String id = event.envelope().key();
        if (event.payload() instanceof CustomerErased) {
            erase(id);
            return;
        }
        CustomerState before = customers.get(id);
        CustomerProfile profile = (before == null ? CustomerProfile.first(id, event.envelope().occurredAt()) : before.profile()).with(event);
        update(id, before, profile, now(), Optional.of(event.envelope()));
    }

    /**
     * Takes in segments defined through the API since the last look (a handful of small entries:
     * reading them all is cheaper than tracking changes). Members fill in on their next event or
     * sweep.
     */
    private void readDefinitions(long wallClockMillis) {
        Map<String, String> now = new TreeMap<>();
        try (var all = definitions.all()) {
            all.forEachRemaining(kv -> now.put(kv.key, kv.value));
        }
        if (!now.equals(defined)) {
            catalog = SegmentDefinitions.merge(configured, now, LOG::warn);
            defined = now;
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /**
     * The sweep, in slices: every {@code sweepEvery} a pass over all customers starts, and each
     * punctuation (every second) evaluates at most {@value #SWEEP_SLICE} of them and remembers where
     * it stopped, so no punctuation nears the exactly-once transaction timeout at any number of
     * customers. The RFM cut points are read off the population once a pass has seen all of it.
     */
    private void sweepSlice(long wallClockMillis) {
        if (sweptUpTo == null) {
            if (wallClockMillis < nextPass) {
                return;
            }
            nextPass = wallClockMillis + settings.sweepEvery().toMillis();
            sweptUpTo = "";
            readDefinitions(wallClockMillis); // a pass evaluates the definitions as they are when it starts
            population = settings.fixedCuts().isEmpty() && wallClockMillis >= nextRequantile ? new Population() : null;
        }
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        int swept = 0;
        boolean more = false;
        // keys are customer ids as UTF-8: id + "\0" is the first key after id
        try (var slice = sweptUpTo.isEmpty() ? customerStore.all() : customerStore.range(sweptUpTo + "\0", null)) {
            while (slice.hasNext()) {
                if (swept == SWEEP_SLICE) {
                    more = true;
                    break;
                }
                var entry = slice.next();
                if (population != null) {
                    population.add(entry.value.profile(), now);
                }
                update(entry.key, entry.value, entry.value.profile(), now, Optional.empty());
                sweptUpTo = entry.key;
                swept++;
            }
        }
        if (more) {
            return;
        }
        if (population != null) {
            population.norms(settings.minPopulation(), norms).ifPresent(n -> {
                normsStore.put(NORMS, n);
                norms = n;
            });
            nextRequantile = wallClockMillis + settings.requantileEvery().toMillis();
        }
        sweptUpTo = null;
        population = null;
    }

    /** Evaluates one customer at {@code now} and publishes what changed since {@code before}; {@code cause} is empty for the clock. */
    private void update(String id, CustomerState before, CustomerProfile profile, Instant now, Optional<Envelope> cause) {
        Optional<CustomerScores> scores = CustomerScores.of(profile, now, norms.cuts(), norms.usualGap());
        Set<String> segments = new LinkedHashSet<>(catalog.evaluate(facts(profile, scores), now));
        scores.ifPresent(s -> segments.add(s.rfmSegment()));

        Set<String> was = before == null ? Set.of() : before.segments();
        SegmentTrigger trigger = cause.isPresent() ? SegmentTrigger.EVENT : SegmentTrigger.CLOCK;
        for (String s : segments) {
            if (!was.contains(s)) {
                publish(EventCatalog.SEGMENT_ENTERED, new SegmentEntered(membership(s, id), s, id, trigger), CustomerTopology.SEGMENTS_SINK, now, cause);
                members.put(membership(s, id), now.toEpochMilli());
            }
        }
        for (String s : was) {
            if (!segments.contains(s)) {
                publish(EventCatalog.SEGMENT_EXITED, new SegmentExited(membership(s, id), s, id, trigger), CustomerTopology.SEGMENTS_SINK, now, cause);
                members.delete(membership(s, id));
            }
        }
        Optional<CustomerScores> published = before == null ? Optional.empty() : before.published();
        if (scores.isPresent() && moved(published, scores.get())) {
            var s = scores.get();
            publish(EventCatalog.CUSTOMER_SCORED, new CustomerScored(id, s.churnRisk(), s.recency(), s.frequency(), s.monetary(), s.rfmSegment()),
                    CustomerTopology.SCORES_SINK, now, cause);
            published = scores;
        }
        var after = new CustomerState(profile, segments, published);
        if (!after.equals(before)) {
            customers.put(id, after);
        }
    }

    private boolean moved(Optional<CustomerScores> published, CustomerScores now) {
        return published.map(p -> Math.abs(p.churnRisk() - now.churnRisk()) >= settings.churnStep()
                || p.recency() != now.recency() || p.frequency() != now.frequency() || p.monetary() != now.monetary()).orElse(true);
    }

    /** Drops the customer and writes tombstones for each of their memberships and their scores. */
    private void erase(String id) {
        CustomerState state = customers.delete(id);
        if (state == null) {
            return;
        }
        long at = context.currentSystemTimeMs();
        for (String s : state.segments()) {
            members.delete(membership(s, id));
            context.forward(new Record<String, byte[]>(membership(s, id), null, at), CustomerTopology.SEGMENTS_SINK);
        }
        context.forward(new Record<String, byte[]>(id, null, at), CustomerTopology.SCORES_SINK);
    }

    /**
     * An output caused by an event keeps its correlation and trace and gets an id derived from it, so
     * a reprocessed event yields the same ids; one the clock caused gets an id from the time.
     */
    private <T extends SpecificRecord> void publish(EventType<T> type, T payload, String sink, Instant now, Optional<Envelope> cause) {
        String key = type.keyOf(payload);
        Envelope envelope = cause.map(c -> c.causing(EventIds.derive(c.eventId(), type.name() + "/" + key), type.name(), type.version(), key, now))
                .orElseGet(() -> {
                    UUID id = EventIds.derive(now.toEpochMilli(), type.name() + "/" + key);
                    return new Envelope(id, type.name(), type.version(), key, now, null, null, null);
                });
        context.forward(new Record<>(key, AvroCodec.encode(payload), now.toEpochMilli(), KafkaHeaders.of(envelope)), sink);
    }

    static String membership(String segment, String customerId) {
        return segment + "/" + customerId;
    }

    /** The profile's facts, with the scores readable by rules as {@code churnRisk} and {@code rfm.*}. */
    private static Rule.Facts facts(CustomerProfile profile, Optional<CustomerScores> scores) {
        Rule.Facts base = profile.facts();
        return new Rule.Facts() {
            @Override
            public Optional<Object> property(String name) {
                return switch (name) {
                    case "churnRisk" -> scores.map(CustomerScores::churnRisk);
                    case "rfm.recency" -> scores.map(CustomerScores::recency);
                    case "rfm.frequency" -> scores.map(CustomerScores::frequency);
                    case "rfm.monetary" -> scores.map(CustomerScores::monetary);
                    case "rfm.segment" -> scores.map(CustomerScores::rfmSegment);
                    default -> base.property(name);
                };
            }

            @Override
            public long eventCount(String type, Instant from, Instant to) {
                return base.eventCount(type, from, to);
            }

            @Override
            public boolean inSegment(String segment) {
                return false; // answered by the catalogue, which evaluates in dependency order
            }
        };
    }
}
