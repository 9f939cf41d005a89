package io.heomdm.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.eventlog.streams.Deletion;
import io.heomdm.events.Violation;
import java.util.List;
import java.util.Map;

/** Journeys defined at run time, and the list of all; the launcher wires in the campaign service. */
public interface JourneyQueries {
    /** Defines (or defines again) a journey; every mistake, each named by its path; nothing is written when there is one. */
    List<Violation> define(String id, JsonNode journey);

    /** Every journey's id and where it comes from ("configuration" or "api"). */
    Map<String, String> journeys();

    /** Deletes a journey defined through the API. */
    Deletion deleteJourney(String id);

    /** The journeys taken out of evaluation because they threw, with the error. */
    Map<String, String> quarantinedJourneys();

    /** For a platform run with campaigns disabled: answered 503. */
    JourneyQueries DISABLED = new JourneyQueries() {
        @Override
        public List<Violation> define(String id, JsonNode journey) {
            throw new Unavailable("campaigns", "campaigns are disabled (campaigns.enabled: false)");
        }

        @Override
        public Map<String, String> journeys() {
            throw new Unavailable("campaigns", "campaigns are disabled (campaigns.enabled: false)");
        }

        @Override
        public Deletion deleteJourney(String id) {
            throw new Unavailable("campaigns", "campaigns are disabled (campaigns.enabled: false)");
        }

        @Override
        public Map<String, String> quarantinedJourneys() {
            throw new Unavailable("campaigns", "campaigns are disabled (campaigns.enabled: false)");
        }
    };
}
