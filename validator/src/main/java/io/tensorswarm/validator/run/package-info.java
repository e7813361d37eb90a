/**
 * The validator's round loop ({@code validator run}): after each round's deadline it fetches and
 * checks every committed delta from the miner's untrusted locator ({@link
 * io.tensorswarm.protocol.fetch.DeltaFetcher}, whose schemes {@link
 * io.tensorswarm.protocol.fetch.LocatorSchemes} limits), screens and evaluates the survivors and keeps
 * moving scores ({@link io.tensorswarm.validator.run.Validator}), writes a per-round result file
 * ({@link io.tensorswarm.validator.run.RoundReport}) and sets or commits weights on chain ({@link
 * io.tensorswarm.validator.run.WeightSubmitter}, with the pending reveals in {@code chain-client}'s
 * {@code PendingRevealStore}). A stop request is honoured at safe points ({@link
 * io.tensorswarm.protocol.fetch.StopRequestedException}).
 *
 * <p>Depends on {@code validator.scoring}, {@code common}, {@code chain-client} and {@code storage};
 * nothing depends on it but the CLI.
 */
package io.tensorswarm.validator.run;
