package io.heomdm.decisions.pricing;

import io.heomdm.decisions.CatalogEntry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * Dynamic pricing for one product at a time, with no I/O: each closed demand window teaches the
 * posterior of the level that was in effect, Thompson sampling proposes the level with the best
 * sampled revenue (or margin), and the guardrails decide what is let through. Every state is a new
 * value, so the caller stores it (a Kafka Streams store) and replays give the same decisions.
 */
public final class PricingEngine {
    public static final String CYCLE = "cycle";
    public static final String APPROVAL = "approval";
    private final PricingSettings settings;

    public PricingEngine(PricingSettings settings) {
        this.settings = settings;
    }

    /** @param published the decision to publish as {@code PriceChanged}, when the price changes (or would, in recommend mode) */
    public record Cycle(ProductPricing state, Optional<PriceDecision> published) {
    }

    public ProductPricing start(CatalogEntry product, Instant now) {
        List<BigDecimal> ladder = ladder(product.floor(), product.ceiling(), settings.levels());
        return new ProductPricing(product.productId(), product.currency(), ladder, product.floor(), product.ceiling(),
                Collections.nCopies(ladder.size(), LevelEvidence.NONE), Elasticity.none(), product.price(), now, null, product.price(),
                java.util.Map.of(), null, List.of(), 0);
    }

    /** Follows the catalogue: new floor or ceiling → a new ladder (what the old levels learnt no longer applies); a new list price → an operator's override. */
    public ProductPricing catalogued(ProductPricing s, CatalogEntry product, Instant now) {
        List<BigDecimal> ladder = s.ladder();
        List<LevelEvidence> evidence = s.evidence();
        if (product.floor().compareTo(s.ladderFloor()) != 0 || product.ceiling().compareTo(s.ladderCeiling()) != 0) {
            ladder = ladder(product.floor(), product.ceiling(), settings.levels());
            evidence = Collections.nCopies(ladder.size(), LevelEvidence.NONE);
        }
        BigDecimal current = s.currentPrice();
        Instant since = s.priceSince();
        if (product.price().compareTo(s.cataloguePrice()) != 0 && product.price().compareTo(current) != 0) {
            current = product.price();
            since = now;
        }
        return new ProductPricing(s.productId(), product.currency(), ladder, product.floor(), product.ceiling(), evidence, s.elasticity(),
                current, since, s.lastChange(), product.price(), s.competitors(), s.pending(), s.decisions(), s.cycles());
    }

    public ProductPricing competitorSeen(ProductPricing s, String competitor, BigDecimal price, Instant at) {
        var competitors = new HashMap<>(s.competitors());
        competitors.put(competitor, new ProductPricing.CompetitorPrice(price, at));
        return new ProductPricing(s.productId(), s.currency(), s.ladder(), s.ladderFloor(), s.ladderCeiling(), s.evidence(), s.elasticity(),
                s.currentPrice(), s.priceSince(), s.lastChange(), s.cataloguePrice(), competitors, s.pending(), s.decisions(), s.cycles());
    }

    /**
     * One pricing cycle on a closed window of {@code units} units that began at {@code windowStart}.
     * The window teaches only if one price held all through it.
     */
    public Cycle cycle(ProductPricing before, CatalogEntry product, Instant windowStart, long units, Instant now, String decisionId,
            RandomGenerator random) {
        ProductPricing s = catalogued(before, product, now);
        List<LevelEvidence> evidence = s.evidence();
        Elasticity elasticity = s.elasticity();
        if (!s.priceSince().isAfter(windowStart)) {
            int level = s.levelInEffect();
            var learnt = new ArrayList<LevelEvidence>();
            for (int i = 0; i < evidence.size(); i++) {
                LevelEvidence e = evidence.get(i).discount(settings.posteriorForgetting());
                learnt.add(i == level ? e.observe(units) : e);
            }
            evidence = List.copyOf(learnt);
            elasticity = elasticity.observe(s.currentPrice(), units, settings.elasticityForgetting());
        }
        Optional<Elasticity.Estimate> slope = elasticity.estimate(settings.minDistinctPrices());
        List<GammaPosterior> posteriors = posteriors(s.ladder(), evidence, slope);
        int chosen = choose(s.ladder(), posteriors, product.cost(), random);
        BigDecimal proposed = s.ladder().get(chosen);
        var outcome = Guardrails.apply(settings, new Guardrails.Input(proposed, s.currentPrice(), now, s.lastChange(), product,
                s.lowestCompetitor(now, settings.competitorMaxAge())));
        PricingSettings.Mode mode = settings.modeOf(product.productId(), product.category());
        boolean changes = outcome.price().compareTo(s.currentPrice()) != 0;
        var decision = new PriceDecision(decisionId, now, s.currentPrice(), proposed, outcome.price(), outcome.boundBy(), outcome.trail(), mode,
                changes && mode == PricingSettings.Mode.AUTO, CYCLE, posteriors.get(chosen).mean(),
                slope.map(Elasticity.Estimate::slope).orElse(null), slope.map(Elasticity.Estimate::standardError).orElse(null));
        boolean apply = decision.applied();
        var next = new ProductPricing(s.productId(), s.currency(), s.ladder(), s.ladderFloor(), s.ladderCeiling(), evidence, elasticity,
                apply ? outcome.price() : s.currentPrice(), apply ? now : s.priceSince(), apply ? now : s.lastChange(), s.cataloguePrice(),
                s.competitors(), changes && !apply ? decision : null, keep(decision, s.decisions()), s.cycles() + 1);
        return new Cycle(next, changes ? Optional.of(decision) : Optional.empty());
    }

    /** Applies the pending recommendation ({@code decisionId} null: whichever is pending); empty when there is none or it is another. */
    public Optional<Cycle> approve(ProductPricing s, String decisionId, Instant now) {
        PriceDecision pending = s.pending();
        if (pending == null || (decisionId != null && !pending.decisionId().equals(decisionId))) {
            return Optional.empty();
        }
        PriceDecision applied = pending.approved(now);
        var next = new ProductPricing(s.productId(), s.currency(), s.ladder(), s.ladderFloor(), s.ladderCeiling(), s.evidence(), s.elasticity(),
                applied.finalPrice(), now, now, s.cataloguePrice(), s.competitors(), null, keep(applied, s.decisions()), s.cycles());
        return Optional.of(new Cycle(next, Optional.of(applied)));
    }

    /** Each level's demand posterior; its prior's mean is the elasticity curve's value there, else the product's demand at any level. */
    public List<GammaPosterior> posteriors(List<BigDecimal> ladder, List<LevelEvidence> evidence, Optional<Elasticity.Estimate> slope) {
        double units = evidence.stream().mapToDouble(LevelEvidence::units).sum();
        double windows = evidence.stream().mapToDouble(LevelEvidence::windows).sum();
        double pooled = windows > 0 ? Math.max(units / windows, 0.1) : 1;
        List<GammaPosterior> posteriors = new ArrayList<>();
        for (int i = 0; i < ladder.size(); i++) {
            BigDecimal level = ladder.get(i);
            double priorMean = slope.map(e -> Math.max(e.unitsAt(level), 0.1)).orElse(pooled);
            posteriors.add(evidence.get(i).posterior(priorMean, settings.priorShape()));
        }
        return posteriors;
    }

    /** Thompson sampling: one draw of demand per level, the level with the best draw of the objective wins. */
    int choose(List<BigDecimal> ladder, List<GammaPosterior> posteriors, BigDecimal cost, RandomGenerator random) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ladder.size(); i++) {
            double price = ladder.get(i).doubleValue();
            double perUnit = settings.objective() == PricingSettings.Objective.MARGIN ? price - cost.doubleValue() : price;
            double value = perUnit * posteriors.get(i).sample(random);
            if (value > bestValue) {
                bestValue = value;
                best = i;
            }
        }
        return best;
    }

    private List<PriceDecision> keep(PriceDecision newest, List<PriceDecision> older) {
        return Stream.concat(Stream.of(newest), older.stream()).limit(settings.decisionsKept()).toList();
    }

    /** {@code levels} prices from floor to ceiling, evenly spaced, to the cent. */
    public static List<BigDecimal> ladder(BigDecimal floor, BigDecimal ceiling, int levels) {
        BigDecimal step = ceiling.subtract(floor).divide(BigDecimal.valueOf(levels - 1), 10, RoundingMode.HALF_EVEN);
        List<BigDecimal> ladder = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            ladder.add(floor.add(step.multiply(BigDecimal.valueOf(i))).setScale(2, RoundingMode.HALF_EVEN));
        }
        return List.copyOf(ladder);
    }
}
