/**
 * What the orchestrator remembers for its dashboard: the base revisions it saw and their losses,
 * and per-round chain snapshots (incentive, commitments), kept by {@link
 * io.tensorswarm.orchestrator.history.History} in {@code <state.dir>/history.json}, written
 * atomically by {@link io.tensorswarm.orchestrator.history.StateFile}.
 */
package io.tensorswarm.orchestrator.history;
