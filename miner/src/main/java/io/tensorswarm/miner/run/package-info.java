/**
 * The {@code miner run} daemon: per round, read the round's base from the base history, fetch and
 * verify it, train in a supervised worker, then publish through {@link
 * io.tensorswarm.miner.run.DeltaPublication} (also used by {@code miner publish}): commit the delta's
 * binding before the round's deadline and upload the delta and its signed manifest in the upload
 * window after it. A stop request (SIGTERM) kills the worker and abandons an uncommitted round;
 * state in the state directory (base model cache, error-feedback residual, round journal) only moves
 * forward by atomic renames, so a kill -9 at any point leaves the last complete state.
 */
package io.tensorswarm.miner.run;
