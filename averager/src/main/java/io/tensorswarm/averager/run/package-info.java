/**
 * The averager daemon's round step: publishing model revisions behind the {@code latest} pointer
 * ({@link io.tensorswarm.averager.run.ModelPublisher}), ranking and fetching the round's deltas
 * ({@link io.tensorswarm.averager.run.MinerRanking}, {@link io.tensorswarm.averager.run.DeltaFetcher}),
 * and one merge-and-publish step ({@link io.tensorswarm.averager.run.AveragerRound}).
 */
package io.tensorswarm.averager.run;
