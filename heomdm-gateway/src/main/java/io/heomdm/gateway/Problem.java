package io.heomdm.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}). {@code errors} lists each broken
 * rule: which batch item (null for a single event), which field, and the rule. {@code requestId}
 * is the request's id, also in the {@code X-Request-Id} header and, for a 500, in the log.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors, String requestId) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(Integer item, String field, String rule) {
    }

    public static final String TYPE_BASE = "https://heomdm.io/problems/";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, null);
    }

    public Problem withErrors(List<FieldError> errors) {
        return new Problem(type, title, status, detail, errors, requestId);
    }

    public Problem withRequestId(String id) {
        return new Problem(type, title, status, detail, errors, id);
    }
}
