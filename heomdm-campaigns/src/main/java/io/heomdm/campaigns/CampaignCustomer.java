package io.heomdm.campaigns;

import io.heomdm.events.schema.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the campaign service keeps of one customer: how to reach them and what they allow, whether
 * they are suppressed, the marketing messages sent (for frequency caps), their journey runs and, per
 * journey, how many runs they had and when the last one ended (for the re-entry cool-down).
 *
 * @param suppressed why the customer must get no marketing message (a bounce, a complaint, do-not-contact); null if none
 */
public record CampaignCustomer(Contact contact, String suppressed, List<Sent> sent, Map<String, Run> runs, Map<String, History> history) {
    public static final CampaignCustomer NEW = new CampaignCustomer(Contact.UNKNOWN, null, List.of(), Map.of(), Map.of());
    /**
     * Bounds that keep one customer's state (a changelog record) far below Kafka's message size
     * whatever clients send: runs at once (a new one is not started beyond it), the newest messages
     * sent (more than any frequency cap counts), and the journeys whose past runs are remembered for
     * re-entry (the longest-ended forgotten first).
     */
    public static final int MAX_RUNS = 100;
    public static final int MAX_SENT = 500;
    public static final int MAX_HISTORY = 200;

    public CampaignCustomer {
        sent = List.copyOf(sent);
        runs = Map.copyOf(runs);
        history = Map.copyOf(history);
    }

    /** This customer within the bounds: the newest sent kept, the histories of the longest-ended runs dropped. */
    CampaignCustomer bounded() {
        if (sent.size() <= MAX_SENT && history.size() <= MAX_HISTORY) {
            return this;
        }
        List<Sent> newest = sent.stream().sorted(java.util.Comparator.comparing(Sent::at)).skip(Math.max(0, sent.size() - MAX_SENT)).toList();
        Map<String, History> kept = new java.util.HashMap<>(history);
        history.entrySet().stream().filter(e -> !runs.containsKey(e.getKey()) && e.getValue().lastEnded() != null)
                .sorted(java.util.Comparator.comparing(e -> e.getValue().lastEnded()))
                .limit(Math.max(0, history.size() - MAX_HISTORY)).forEach(e -> kept.remove(e.getKey()));
        return new CampaignCustomer(contact, suppressed, newest, runs, kept);
    }

    /** The same customer on (reason) or off (null) the suppression list. */
    CampaignCustomer suppressedFor(String reason) {
        return new CampaignCustomer(contact, reason, sent, runs, history);
    }

    /** @param consented the channels CustomerUpdated last said the customer consents to; absent consent is no consent */
    public record Contact(String email, String phone, String timeZone, Set<Channel> consented) {
        public static final Contact UNKNOWN = new Contact(null, null, "UTC", Set.of());

        public Contact {
            consented = Set.copyOf(consented);
        }

        boolean consents(Channel channel) {
            return consented.contains(channel);
        }

        /** Where a message on the channel goes: the e-mail address, the phone number, or the customer id (a push token's owner). */
        String recipient(Channel channel, String customerId) {
            return switch (channel) {
                case EMAIL -> email;
                case SMS -> phone;
                case PUSH -> customerId;
            };
        }
    }

    public record Sent(Instant at, Channel channel) {
    }

    /**
     * A customer's run through a journey.
     *
     * @param run     the customer's how-many-th run of the journey: part of each message's idempotency key
     * @param node    the node it is at
     * @param dueAt   when the node's timer fires (a delay's end, a wait's timeout, a deferred message's new time); null if none is set
     * @param fields  the entry event's fields, for splits and message variables
     * @param entryEventId the event that started the run: the correlation id of everything it decides
     */
    /** @param entryTraceparent the trace of the event the run entered on (null in runs stored before it was kept), carried by its decisions */
    public record Run(int version, int run, int node, Instant enteredAt, Instant dueAt, Map<String, String> fields, String entryEventId,
            String entryTraceparent) {
        public Run {
            fields = Map.copyOf(fields);
        }

        Run at(int next) {
            return new Run(version, run, next, enteredAt, null, fields, entryEventId, entryTraceparent);
        }

        Run due(Instant at) {
            return new Run(version, run, node, enteredAt, at, fields, entryEventId, entryTraceparent);
        }
    }

    public record History(int runs, Instant lastEnded) {
    }
}
