/**
 * Training of a {@link io.tensorswarm.common.model.GptModel} on token pages: the hyper-parameters
 * ({@link io.tensorswarm.common.train.TrainConfig}), the loop ({@link
 * io.tensorswarm.common.train.Trainer}), decoupled AdamW with a no-decay mask and global-norm
 * clipping ({@link io.tensorswarm.common.train.AdamW}), the warm-up plus cosine schedule, and
 * progress reporting ({@link io.tensorswarm.common.train.TrainingListener}, {@link
 * io.tensorswarm.common.train.ConsoleProgress}).
 *
 * <p>Every step runs in its own NDManager sub-scope, so native memory stays flat however long a
 * run is.
 */
package io.tensorswarm.common.train;
