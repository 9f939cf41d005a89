package io.heomdm.campaigns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.events.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Journeys defined at run time ({@code POST /v1/journeys}): checked as configured ones are, then
 * written to {@code campaigns.journey-definitions.v1}, read by every instance's journeys from a
 * global store and merged with the configured ones.
 */
public final class JourneyDefinitions {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private JourneyDefinitions() {
    }

    /** Why {@code id} cannot name a journey, or empty: a configured or defined journey's id is the same rule. */
    public static Optional<String> idProblem(String id) {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
            return Optional.of("a journey id is 1 to 100 letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
        if (id.equals(JourneyEngine.CAMPAIGN) || id.equals(BuiltInJourneys.CART_ABANDONMENT) || id.equals(BuiltInJourneys.PRICE_DROP)
                || id.startsWith(BuiltInJourneys.WIN_BACK_PREFIX)) {
            return Optional.of("the id is a built-in journey's (or campaigns'); choose another");
        }
        return Optional.empty();
    }

    /**
     * Every mistake in a journey posted as {@code {"id": ..., "journey": {...}}}, each named by its
     * path ({@code journey.steps[1].message.template}); empty when it may be defined.
     *
     * @param configured the ids of the journeys in the configuration, which the API cannot replace
     */
    public static List<Violation> check(String id, JsonNode journey, Set<String> configured) {
        List<Violation> violations = new ArrayList<>();
        idProblem(id).ifPresent(p -> violations.add(new Violation("id", p)));
        if (id != null && configured.contains(id)) {
            violations.add(new Violation("id", id + " is a configured journey; change it in the configuration"));
        }
        if (journey == null || !journey.isObject()) {
            violations.add(new Violation("journey", "must be an object with entry, steps and optionally exitOn, reentryCooldownMinutes, version"));
            return violations;
        }
        List<String> problems = new ArrayList<>();
        parse(journey.toString(), problems).ifPresent(spec -> spec.compile(String.valueOf(id), "journey", problems));
        for (String p : problems) {
            int colon = p.indexOf(": ");
            violations.add(colon < 0 ? new Violation("journey", p) : new Violation(p.substring(0, colon), p.substring(colon + 2)));
        }
        return violations;
    }

    /** The defined journeys that still compile, beside the configured ones (a definition that no longer fits is left out with a warning). */
    static List<Journey> compile(Map<String, String> defined, Set<String> configured, Consumer<String> warn) {
        List<Journey> journeys = new ArrayList<>();
        defined.forEach((id, json) -> {
            List<String> problems = new ArrayList<>();
            if (configured.contains(id) || idProblem(id).isPresent()) {
                problems.add("id: " + id + " is configured or reserved");
            }
            parse(json, problems).flatMap(spec -> spec.compile(id, "journey", problems)).filter(j -> problems.isEmpty()).ifPresent(journeys::add);
            if (!problems.isEmpty()) {
                warn.accept("journey " + id + " defined through the API is left out: " + String.join("; ", problems));
            }
        });
        return journeys;
    }

    private static Optional<JourneySpec> parse(String json, List<String> problems) {
        try {
            return Optional.of(JSON.readValue(json, JourneySpec.class));
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining());
            problems.add("journey" + path + ": " + (e.getOriginalMessage().startsWith("Unrecognized field") ? "is not a journey setting"
                    : "has the wrong type (" + e.getOriginalMessage().replaceAll("\\s+", " ") + ")"));
        } catch (JsonProcessingException e) {
            problems.add("journey: is not JSON: " + e.getOriginalMessage());
        }
        return Optional.empty();
    }
}
