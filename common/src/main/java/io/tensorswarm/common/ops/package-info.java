/**
 * What an operator watches and controls on a running daemon: Prometheus metrics ({@link DaemonMetrics}),
 * a health verdict ({@link Health}), the HTTP endpoint serving both ({@link OpsServer}), the log identity
 * ({@link LogIdentity}) and a bounded, cooperative stop on SIGTERM ({@link Shutdown}). See
 * {@code docs/operations.md}.
 */
package io.tensorswarm.common.ops;
