package io.heomdm.app;

import io.heomdm.analytics.CustomerView;
import io.heomdm.analytics.DemandView;
import io.heomdm.analytics.MemberPage;
import io.heomdm.decisions.Decisions;
import io.heomdm.decisions.pricing.Guardrails;
import io.heomdm.decisions.pricing.PriceDecision;
import io.heomdm.decisions.pricing.PriceTestResult;
import io.heomdm.decisions.recommendations.Recommender;
import io.heomdm.gateway.CustomerResponse;
import io.heomdm.gateway.DemandResponse;
import io.heomdm.gateway.PriceResponse;
import io.heomdm.gateway.PriceTestResponse;
import io.heomdm.gateway.Recommendation;
import io.heomdm.gateway.RelatedProduct;
import io.heomdm.gateway.ReportQueries;
import io.heomdm.gateway.SegmentMembersResponse;
import io.heomdm.reporting.Reports;
import java.time.LocalDate;
import java.util.List;

/**
 * The services' read models as the API's response records: the gateway's contract does not move
 * when a service reshapes what it keeps (ResponsesTest checks each field arrives).
 */
final class Responses {
    private Responses() {
    }

    static CustomerResponse customer(CustomerView c) {
        return new CustomerResponse(c.customerId(), c.firstSeen(), c.lastSeen(), c.firstPurchase(), c.lastPurchase(), c.orderCount(), c.revenue(),
                c.averageOrderValue(), c.favouriteCategory(), c.timeZone(),
                c.consent().map(k -> new CustomerResponse.Consent(k.email(), k.sms(), k.push())), c.eventsLast30Days(),
                c.scores().map(s -> new CustomerResponse.Scores(s.recency(), s.frequency(), s.monetary(), s.rfmSegment(), s.churnRisk())),
                c.segments());
    }

    static SegmentMembersResponse members(MemberPage page) {
        return new SegmentMembersResponse(page.segment(), page.customerIds(), page.next());
    }

    static DemandResponse demand(DemandView d) {
        return new DemandResponse(d.productId(), d.windows().stream().map(w -> new DemandResponse.Window(w.start(), w.end(), w.views(), w.cartAdds(),
                w.orders(), w.units(), w.revenue())).toList(), d.forecast().map(f -> new DemandResponse.Forecast(f.lastWindowStart(), f.nextUnits(),
                f.seasonal())));
    }

    static PriceResponse price(Decisions.PriceView p) {
        var e = p.elasticity();
        var arm = p.test();
        return new PriceResponse(p.productId(), p.price(), p.currency(), p.since(), p.lastChange(), p.mode(), decision(p.pending()),
                p.decisions().stream().map(Responses::decision).toList(),
                e == null ? null : new PriceResponse.Elasticity(e.slope(), e.standardError(), e.windows(), e.distinctPrices()),
                p.ladder().stream().map(l -> new PriceResponse.Level(l.price(), l.expectedUnits(), l.windows())).toList(), p.cycles(),
                arm == null ? null : new PriceResponse.Arm(arm.customerId(), arm.testId(), arm.arm(), arm.price()));
    }

    /** A decision as stored: one written by an earlier release may lack the fields added since (read back as null), and is shown so. */
    static PriceResponse.Decision decision(PriceDecision d) {
        if (d == null) {
            return null;
        }
        return new PriceResponse.Decision(d.decisionId(), d.at(), d.previousPrice(), d.proposedPrice(), d.finalPrice(), d.boundBy(),
                d.trail() == null ? null : d.trail().stream().map(Responses::step).toList(), d.mode() == null ? null : d.mode().name(),
                d.applied(), d.reason(), d.expectedUnits(), d.elasticity(), d.elasticityStdErr());
    }

    private static PriceResponse.Step step(Guardrails.Step s) {
        return new PriceResponse.Step(s.rule(), s.before(), s.after(), s.note());
    }

    static PriceTestResponse priceTest(PriceTestResult t) {
        return new PriceTestResponse(t.testId(), t.productId(), t.startsAt(), t.status(), t.leader(), t.arms().stream()
                .map(a -> new PriceTestResponse.Arm(a.arm(), a.price(), a.exposed(), a.orders(), a.units(), a.revenue(), a.margin(),
                        a.marginPerExposed())).toList());
    }

    static Recommendation recommendation(Recommender.Recommendation r) {
        return new Recommendation(r.productId(), r.score(), r.source());
    }

    static RelatedProduct related(Recommender.Related r) {
        return new RelatedProduct(r.productId(), r.together(), r.score());
    }

    /** The reporting read model as the gateway asks it; 503 while it is rebuilt and while the database does not answer. */
    static ReportQueries reports(Reports reports, java.util.function.BooleanSupplier catchingUp) {
        return new ReportQueries() {
            @Override
            public List<SalesRow> sales(LocalDate from, LocalDate to, boolean byCategory) {
                return answer(() -> reports.sales(from, to, byCategory ? Reports.SalesBy.CATEGORY : Reports.SalesBy.PRODUCT).stream()
                        .map(r -> new SalesRow(r.day(), r.key(), r.currency(), r.orders(), r.units(), r.revenue())).toList());
            }

            @Override
            public List<SegmentRow> segments(LocalDate from, LocalDate to) {
                return answer(() -> reports.segments(from, to).stream()
                        .map(r -> new SegmentRow(r.day(), r.segment(), r.entered(), r.exited(), r.size())).toList());
            }

            @Override
            public List<CampaignRow> campaigns(LocalDate from, LocalDate to) {
                return answer(() -> reports.campaigns(from, to).stream()
                        .map(r -> new CampaignRow(r.day(), r.source(), r.sent(), r.deferred(), r.suppressed(), r.delivered(), r.failed())).toList());
            }

            @Override
            public List<DeadLetterRow> deadLetters(LocalDate from, LocalDate to) {
                return answer(() -> reports.deadLetters(from, to).stream()
                        .map(r -> new DeadLetterRow(r.day(), r.queue(), r.taskType(), r.count())).toList());
            }

            private <T> T answer(java.util.function.Supplier<T> query) {
                if (catchingUp.getAsBoolean()) {
                    throw new io.heomdm.gateway.Unavailable("reports", "the reports are being rebuilt from the log; GET /v1/replay/rebuilds/reports says how far");
                }
                try {
                    return query.get();
                } catch (RuntimeException databaseDown) {
                    throw new io.heomdm.gateway.Unavailable("reports", "the reports cannot be read now (the database does not answer); retry shortly");
                }
            }
        };
    }
}
