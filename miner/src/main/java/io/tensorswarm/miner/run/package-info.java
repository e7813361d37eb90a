/**
 * The {@code miner run} daemon: per round, fetch and verify the base model, train in a supervised
 * worker, commit the delta's hash on chain, then upload the delta and its signed manifest before the
 * round's deadline.
 */
package io.tensorswarm.miner.run;
