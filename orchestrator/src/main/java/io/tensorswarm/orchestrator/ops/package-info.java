/**
 * The orchestrator's operations: {@link io.tensorswarm.orchestrator.ops.OrchestratorMetrics}, its
 * Prometheus metrics on top of the shared {@link io.tensorswarm.common.ops.DaemonMetrics}.
 */
package io.tensorswarm.orchestrator.ops;
