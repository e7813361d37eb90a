/**
 * The orchestrator's view of the round protocol: the current round and base revision ({@link
 * io.tensorswarm.orchestrator.round.RoundTracker}, {@link
 * io.tensorswarm.orchestrator.round.BaseRevisionSource}) and miners' page assignments ({@link
 * io.tensorswarm.orchestrator.round.AssignmentSource}: fixed {@link
 * io.tensorswarm.orchestrator.round.SampledAssignments}, or {@link
 * io.tensorswarm.orchestrator.round.DatasetAssignments} derived from the data and the base model). All chain state is read through {@link
 * io.tensorswarm.chain.Chain}.
 */
package io.tensorswarm.orchestrator.round;
