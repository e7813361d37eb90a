/**
 * {@code miner publish}: a delta trained elsewhere (any trainer, e.g. PyTorch) checked against the
 * round's base and encoded for {@link io.tensorswarm.miner.run.DeltaPublication}, the publish path
 * {@code miner run} uses too.
 */
package io.tensorswarm.miner.publish;
