/**
 * The orchestrator's HTTP API on the JDK's built-in server: {@link
 * io.tensorswarm.orchestrator.http.OrchestratorServer} with its endpoints ({@code GET /v1/round},
 * {@code GET /v1/assignment}, {@code POST /v1/heartbeat}, {@code GET /v1/roster}, {@code GET
 * /v1/dashboard}, {@code GET /healthz}) and the dashboard page at {@code /}, JSON bodies, size caps, a bounded executor and hotkey-signed requests checked by
 * {@link io.tensorswarm.chain.auth.RequestVerifier}. The API is documented in {@code
 * docs/orchestrator.md}.
 */
package io.tensorswarm.orchestrator.http;
