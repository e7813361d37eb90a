/**
 * Held-out evaluation of a {@link io.tensorswarm.common.model.GptModel}: token-weighted mean
 * next-token cross-entropy over pages, and the base versus base-plus-delta comparison validators
 * and averagers score deltas with ({@link io.tensorswarm.common.eval.Evaluator}).
 */
package io.tensorswarm.common.eval;
