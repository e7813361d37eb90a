/**
 * The orchestrator's HTTP API on Jetty, through the shared {@link
 * io.tensorswarm.common.ops.http.GuardedHttpServer}: {@link
 * io.tensorswarm.orchestrator.http.OrchestratorServer} with its endpoints ({@code GET /v1/round},
 * {@code GET /v1/assignment}, {@code POST /v1/heartbeat}, {@code GET /v1/roster}, {@code GET
 * /v1/dashboard}, {@code GET /healthz}) and the dashboard page at {@code /}, JSON bodies, size caps,
 * connection, time and rate limits, and hotkey-signed requests checked by {@link
 * io.tensorswarm.chain.auth.RequestVerifier} for this netuid and host. The API is documented in
 * {@code docs/orchestrator.md}.
 */
package io.tensorswarm.orchestrator.http;
