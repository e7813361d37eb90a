/**
 * Call and runtime-API encoding driven by metadata: {@link io.tensorswarm.chain.calls.CallEncoder}
 * (any call by name), {@link io.tensorswarm.chain.calls.SubtensorCalls} (typed builders for the
 * calls Tensorswarm sends), {@link io.tensorswarm.chain.calls.RuntimeApiCall} ({@code state_call}
 * requests), {@link io.tensorswarm.chain.calls.WeightConversion} (the SDK's float-to-u16 weight
 * conversion), {@link io.tensorswarm.chain.calls.WeightProcessing} (the SDK's fitting of weights to a
 * subnet's minimum count and max share) and {@link io.tensorswarm.chain.calls.WeightCommitHash}.
 *
 * <p>Depends on {@code scale}, {@code hash} and {@code metadata}.
 */
package io.tensorswarm.chain.calls;
