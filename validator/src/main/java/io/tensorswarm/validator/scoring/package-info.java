/**
 * Validator scoring as a library: screening decoded deltas ({@link
 * io.tensorswarm.protocol.scoring.DeltaScreen}), turning measured losses into a round score
 * ({@link io.tensorswarm.protocol.scoring.Scorer}), and keeping a persistent moving average per
 * miner that becomes chain weights ({@link io.tensorswarm.validator.scoring.ScoreBook}).
 *
 * <p>Optional policies from the original systems: {@link
 * io.tensorswarm.protocol.scoring.TieredPolicy} and {@link
 * io.tensorswarm.protocol.scoring.LossAnomaly}. The daemon's run loop wires these together; see
 * {@code docs/scoring.md} for what each number means.
 */
package io.tensorswarm.validator.scoring;
