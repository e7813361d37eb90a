/**
 * The averager's merge as a library: learned mixing weights over the top deltas ({@link
 * io.tensorswarm.averager.merge.MixingWeights}), a DiLoCo outer step with Nesterov momentum
 * ({@link io.tensorswarm.averager.merge.OuterOptimizer}), and the deterministic, loss-gated merge
 * that combines them ({@link io.tensorswarm.averager.merge.Merger}). See {@code docs/scoring.md}
 * for the math.
 */
package io.tensorswarm.averager.merge;
