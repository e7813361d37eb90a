package io.tensorswarm.protocol.scoring;

/**
 * Returns the thresholds {@link DeltaScreen} applies; immutable.
 *
 * <p>The norm bound is {@code normFactor * median} of the cohort's norms when at least {@code
 * minCohort} deltas reach the norm check, raised to at least {@code normFloorFraction * |base|}
 * (so a cohort of lazy all-zero deltas does not reject every honest one) and never above {@code
 * normCeilingFraction * |base|}. Below {@code minCohort} the median says nothing, and the bound is
 * the ceiling alone.
 *
 * @param normFactor k in "norm at most k times the cohort median"; &gt; 1
 * @param minCohort the fewest deltas whose median is trusted; &ge; 1
 * @param normFloorFraction the bound never goes below this fraction of the base weights' norm
 * @param normCeilingFraction the bound never goes above this fraction of the base weights' norm
 * @param copyThreshold cosine similarity at or above which a later delta is a copy; in (0, 1]
 * @param candidateThreshold sketch cosine at or above which the exact cosine is computed; at most
 *     {@code copyThreshold}
 * @param sketchDimension buckets of the count sketch kept per delta
 * @param sketchSeed seed of the sketch's hash; every validator should use the same
 */
public record ScreenConfig(
        double normFactor,
        int minCohort,
        double normFloorFraction,
        double normCeilingFraction,
        double copyThreshold,
        double candidateThreshold,
        int sketchDimension,
        long sketchSeed) {

    public ScreenConfig {
        if (!(normFactor > 1)) {
            throw new IllegalArgumentException("normFactor must be > 1, got " + normFactor);
        }
        if (minCohort < 1) {
            throw new IllegalArgumentException("minCohort must be >= 1, got " + minCohort);
        }
        if (!(normFloorFraction >= 0) || !(normCeilingFraction > normFloorFraction)) {
            throw new IllegalArgumentException("need 0 <= normFloorFraction < normCeilingFraction, got "
                    + normFloorFraction + " and " + normCeilingFraction);
        }
        if (!(copyThreshold > 0 && copyThreshold <= 1)) {
            throw new IllegalArgumentException("copyThreshold must be in (0, 1], got " + copyThreshold);
        }
        if (!(candidateThreshold > -1 && candidateThreshold <= copyThreshold)) {
            throw new IllegalArgumentException("candidateThreshold must be in (-1, copyThreshold], got "
                    + candidateThreshold);
        }
        if (sketchDimension < 16) {
            throw new IllegalArgumentException("sketchDimension must be >= 16, got " + sketchDimension);
        }
    }

    /**
     * Returns k = 5, a trusted median from 3 deltas, floor 1e-4 and ceiling 1.0 of the base norm,
     * copies at cosine 0.95, exact checks from sketch cosine 0.8, and a 1024-bucket sketch.
     */
    public static ScreenConfig defaults() {
        return new ScreenConfig(5.0, 3, 1e-4, 1.0, 0.95, 0.8, 1024, 0x7e6507a25L);
    }

    public ScreenConfig withNormFactor(double value) {
        return new ScreenConfig(value, minCohort, normFloorFraction, normCeilingFraction, copyThreshold,
                candidateThreshold, sketchDimension, sketchSeed);
    }

    public ScreenConfig withMinCohort(int value) {
        return new ScreenConfig(normFactor, value, normFloorFraction, normCeilingFraction, copyThreshold,
                candidateThreshold, sketchDimension, sketchSeed);
    }

    public ScreenConfig withNormFractions(double floor, double ceiling) {
        return new ScreenConfig(normFactor, minCohort, floor, ceiling, copyThreshold, candidateThreshold,
                sketchDimension, sketchSeed);
    }

    public ScreenConfig withCopyThresholds(double copy, double candidate) {
        return new ScreenConfig(normFactor, minCohort, normFloorFraction, normCeilingFraction, copy, candidate,
                sketchDimension, sketchSeed);
    }
}
