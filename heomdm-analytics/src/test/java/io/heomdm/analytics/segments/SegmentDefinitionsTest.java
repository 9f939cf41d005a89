package io.heomdm.analytics.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.events.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentDefinitionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final SegmentCatalog CONFIGURED = SegmentCatalog.of(Map.of("buyers", RuleParser.parse("{\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 1}")));
    static final Set<String> RESERVED = Set.of("Champions");

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void aDefinitionIsCheckedAgainstEveryOtherSegment() throws Exception {
        var defined = Map.of("big", "{\"property\": \"revenue\", \"op\": \"gt\", \"value\": 500}");
        assertThat(SegmentDefinitions.check("big-buyers", json("{\"and\": [{\"inSegment\": \"buyers\"}, {\"inSegment\": \"big\"}]}"),
                CONFIGURED, defined, RESERVED)).isEmpty();
        assertThat(SegmentDefinitions.check("big", json("{\"property\": \"revenue\", \"op\": \"gt\", \"value\": 900}"), CONFIGURED, defined, RESERVED))
                .as("an API definition may be replaced").isEmpty();

        assertThat(SegmentDefinitions.check("Champions", json("{\"inSegment\": \"buyers\"}"), CONFIGURED, defined, RESERVED))
                .containsExactly(new Violation("name", "is an RFM segment's name; choose another"));
        assertThat(SegmentDefinitions.check("buyers", json("{\"inSegment\": \"big\"}"), CONFIGURED, defined, RESERVED))
                .extracting(Violation::field).containsExactly("name");
        assertThat(SegmentDefinitions.check("no spaces", null, CONFIGURED, defined, RESERVED))
                .extracting(Violation::field).containsExactly("name", "rule");
        assertThat(SegmentDefinitions.check("recent", json("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": -1}}"), CONFIGURED, defined, RESERVED))
                .extracting(Violation::field).containsExactly("rule.pastEvent.days");
        assertThat(SegmentDefinitions.check("whales-too", json("{\"inSegment\": \"whales\"}"), CONFIGURED, defined, RESERVED))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("rule");
                    assertThat(v.rule()).contains("whales");
                });
    }

    @Test
    void mergingTakesDefinitionsThatNameLaterOnesAndLeavesOutWhatNoLongerFits() {
        List<String> warnings = new ArrayList<>();
        var catalog = SegmentDefinitions.merge(CONFIGURED, Map.of(
                "a-first", "{\"inSegment\": \"z-last\"}",
                "z-last", "{\"inSegment\": \"buyers\"}",
                "broken", "{\"inSegment\": \"nowhere\"}",
                "buyers", "{\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 99}"), warnings::add);
        assertThat(catalog.names()).containsExactlyInAnyOrder("buyers", "a-first", "z-last");
        assertThat(warnings).hasSize(2).anySatisfy(w -> assertThat(w).startsWith("segment broken is left out"))
                .anySatisfy(w -> assertThat(w).startsWith("segment buyers is in the configuration"));
    }
}
