/**
 * The orchestrator's view of the round protocol: the current round and base revision ({@link
 * io.tensorswarm.orchestrator.round.RoundTracker}, {@link
 * io.tensorswarm.orchestrator.round.BaseRevisionSource}) and miners' page assignments ({@link
 * io.tensorswarm.orchestrator.round.AssignmentSource}). All chain state is read through {@link
 * io.tensorswarm.chain.Chain}.
 */
package io.tensorswarm.orchestrator.round;
