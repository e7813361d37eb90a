/**
 * The miner's training worker: trains the base model on the round's assigned pages and writes the
 * encoded delta file, either in the daemon's JVM or as a supervised child process ({@link
 * io.tensorswarm.miner.worker.TrainWorker}).
 */
package io.tensorswarm.miner.worker;
