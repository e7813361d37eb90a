/**
 * The orchestrator's dashboard: {@link io.tensorswarm.orchestrator.dashboard.DashboardPage} (a
 * self-contained HTML page drawing SVG plots) fed by {@link
 * io.tensorswarm.orchestrator.dashboard.DashboardEndpoint} ({@code GET /v1/dashboard}), which
 * combines the round clock, the orchestrator's history, the chain and, optionally, a validator's
 * {@link io.tensorswarm.orchestrator.dashboard.ValidatorReports}. Read-only and unauthenticated: it
 * shows only data that is public anyway.
 */
package io.tensorswarm.orchestrator.dashboard;
