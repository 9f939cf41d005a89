package io.heomdm.decisions.pricing;

/**
 * What the windows at one price level showed: units and windows, both discounted by the forgetting
 * factor at every window so that old evidence fades and the engine follows a market that moves.
 * The prior is added only when a posterior is asked for, because its mean comes from the product's
 * other levels (or the elasticity curve): a fixed prior mean would starve a level whose true demand
 * is far above it, since its draws would rarely beat a tried level's.
 */
public record LevelEvidence(double units, double windows) {
    public static final LevelEvidence NONE = new LevelEvidence(0, 0);

    public LevelEvidence observe(long seen) {
        return new LevelEvidence(units + seen, windows + 1);
    }

    public LevelEvidence discount(double factor) {
        return new LevelEvidence(units * factor, windows * factor);
    }

    /** Gamma–Poisson: a prior of mean {@code priorMean} worth {@code priorShape / priorMean} windows, plus the evidence. */
    public GammaPosterior posterior(double priorMean, double priorShape) {
        return new GammaPosterior(priorShape + units, priorShape / priorMean + windows);
    }
}
