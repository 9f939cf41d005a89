package io.heomdm.gateway;

import java.util.Map;

/** Ends a request with a problem answer; thrown from anywhere in a handler. */
public final class ProblemException extends RuntimeException {
    private final transient Problem problem;
    private final Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    static ProblemException invalid(String slug, String title, String detail, String field, String rule) {
        return new ProblemException(Problem.of(400, slug, title, detail).withErrors(java.util.List.of(new Problem.FieldError(null, field, rule))));
    }
}
