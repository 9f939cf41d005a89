package io.heomdm.gateway;

import io.heomdm.events.Violation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The reporting read model ({@code read}): sales, segment sizes, campaign performance and dead
 * letters per UTC day, for {@code from}..{@code to} (dates, both included; default the last 30 days,
 * at most 366).
 */
final class ReportsResource implements Resource {
    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 366;
    private final ReportQueries reports;
    private final Clock clock;

    ReportsResource(ReportQueries reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    record Report<T>(LocalDate from, LocalDate to, List<T> rows) {
    }

    private record Range(LocalDate from, LocalDate to) {
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/v1/reports/sales", ctx -> {
            String by = ctx.queryParam("by") == null ? "product" : ctx.queryParam("by");
            List<Violation> violations = new ArrayList<>();
            if (!by.equals("product") && !by.equals("category")) {
                violations.add(new Violation("by", "must be product or category"));
            }
            Range range = range(ctx, violations);
            Requests.json(ctx, 200, new Report<>(range.from(), range.to(), reports.sales(range.from(), range.to(), by.equals("category"))));
        }, Scope.READ);
        routes.get("/v1/reports/segments", ctx -> answer(ctx, (from, to) -> reports.segments(from, to)), Scope.READ);
        routes.get("/v1/reports/campaigns", ctx -> answer(ctx, (from, to) -> reports.campaigns(from, to)), Scope.READ);
        routes.get("/v1/reports/dead-letters", ctx -> answer(ctx, (from, to) -> reports.deadLetters(from, to)), Scope.READ);
    }

    private <T> void answer(Context ctx, java.util.function.BiFunction<LocalDate, LocalDate, List<T>> rows) {
        Range range = range(ctx, new ArrayList<>());
        Requests.json(ctx, 200, new Report<>(range.from(), range.to(), rows.apply(range.from(), range.to())));
    }

    /** The days asked for, checked with whatever else was found wrong: 400 names every field at once. */
    private Range range(Context ctx, List<Violation> violations) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate to = date(ctx, "to", today, violations);
        LocalDate from = date(ctx, "from", to == null ? today.minusDays(DEFAULT_DAYS - 1) : to.minusDays(DEFAULT_DAYS - 1), violations);
        if (from != null && to != null) {
            if (from.isAfter(to)) {
                violations.add(new Violation("from", "must not be after to"));
            } else if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
                violations.add(new Violation("from", "must be at most " + MAX_DAYS + " days before to"));
            }
        }
        if (!violations.isEmpty()) {
            throw Requests.violations("invalid-parameter", "Invalid parameter", "the report was not read", violations);
        }
        return new Range(from, to);
    }

    private static LocalDate date(Context ctx, String name, LocalDate fallback, List<Violation> violations) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        try {
            return LocalDate.parse(raw);
        } catch (DateTimeParseException e) {
            violations.add(new Violation(name, "must be a date such as 2026-12-01"));
            return null;
        }
    }
}
