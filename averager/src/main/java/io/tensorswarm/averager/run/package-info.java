/**
 * The averager daemon's round step: publishing model revisions and appending them to the base history
 * ({@link io.tensorswarm.averager.run.ModelPublisher}), and one score-merge-publish step
 * ({@link io.tensorswarm.averager.run.AveragerRound}) that scores miners with the protocol module's
 * shared scoring code (the validators' own) before merging the best.
 */
package io.tensorswarm.averager.run;
