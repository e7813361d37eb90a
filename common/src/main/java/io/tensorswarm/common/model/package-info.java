/**
 * The GPT-2 language model on DJL's PyTorch engine: its Hugging Face compatible configuration
 * ({@link io.tensorswarm.common.model.GptConfig}), the model itself with Hugging Face parameter
 * names ({@link io.tensorswarm.common.model.GptModel}), the masked causal language-model loss, and
 * the engine set-up ({@link io.tensorswarm.common.model.TorchRuntime}).
 *
 * <p>Every NDArray a method here returns lives in the manager the caller passed in; parameters live
 * in the model's own manager and are updated in place.
 */
package io.tensorswarm.common.model;
