/**
 * The validator's round loop ({@code validator run}): after each round's deadline it fetches and
 * checks every committed delta ({@link io.tensorswarm.validator.run.DeltaFetcher}), screens and
 * evaluates the survivors ({@link io.tensorswarm.validator.run.RoundValidator}), keeps moving
 * scores, writes a per-round result file ({@link io.tensorswarm.validator.run.RoundReport}) and
 * sets weights on chain ({@link io.tensorswarm.validator.run.WeightSubmitter}).
 *
 * <p>Depends on {@code validator.scoring}, {@code common}, {@code chain-client} and {@code storage};
 * nothing depends on it but the CLI.
 */
package io.tensorswarm.validator.run;
