/**
 * The library every daemon stands on: tensors and safetensors, the GPT model on DJL, data,
 * training and evaluation, and the shared command-line pieces. Errors at this module's boundary
 * extend {@link io.tensorswarm.common.TensorswarmException}.
 */
package io.tensorswarm.common;
