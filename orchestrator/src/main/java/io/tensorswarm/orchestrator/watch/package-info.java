/**
 * The orchestrator's loop: {@link io.tensorswarm.orchestrator.watch.SubnetWatcher} follows the round
 * clock, the base revisions ({@link io.tensorswarm.orchestrator.watch.BaseModels}), derives the
 * dataset's page assignments ({@link io.tensorswarm.orchestrator.watch.DatasetPages}), measures each
 * revision's loss ({@link io.tensorswarm.orchestrator.watch.BaseLossProbe}) and snapshots the chain
 * ({@link io.tensorswarm.orchestrator.watch.ChainSnapshot}).
 */
package io.tensorswarm.orchestrator.watch;
