/**
 * The miner and validator roster: {@link io.tensorswarm.orchestrator.roster.Heartbeat}s reported
 * over HTTP, kept in memory by {@link io.tensorswarm.orchestrator.roster.Roster} and persisted as an
 * atomic snapshot plus a checksummed journal flushed once a second, so a restart keeps them and a
 * crash loses at most the last second.
 */
package io.tensorswarm.orchestrator.roster;
