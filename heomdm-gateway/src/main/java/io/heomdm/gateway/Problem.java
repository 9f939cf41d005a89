package io.heomdm.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}). {@code errors} lists each broken
 * rule: which batch item (null for a single event), which field, and the rule.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(Integer item, String field, String rule) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem("https://heomdm.io/problems/" + slug, title, status, detail, null);
    }

    public Problem withErrors(List<FieldError> errors) {
        return new Problem(type, title, status, detail, errors);
    }
}
