/**
 * The {@code miner run} daemon: per round, fetch and verify the base model, train in a supervised
 * worker, commit the delta's hash on chain, then upload the delta and its signed manifest before the
 * round's deadline. A stop request (SIGTERM) kills the worker and abandons an uncommitted round;
 * state in the state directory (base model cache, error-feedback residual, round journal) only moves
 * forward by atomic renames, so a kill -9 at any point leaves the last complete state.
 */
package io.tensorswarm.miner.run;
