/**
 * The miner and validator roster: {@link io.tensorswarm.orchestrator.roster.Heartbeat}s reported
 * over HTTP, kept in memory by {@link io.tensorswarm.orchestrator.roster.Roster} and persisted
 * atomically to a JSON file so a restart keeps them.
 */
package io.tensorswarm.orchestrator.roster;
