/**
 * Signed v4 extrinsics driven by the runtime metadata's signed-extension list ({@link
 * io.tensorswarm.chain.extrinsic.ExtrinsicBuilder}), submission with status tracking and the
 * outcome read from the inclusion block's {@code System.Events} ({@link
 * io.tensorswarm.chain.extrinsic.ExtrinsicSubmitter}), and dispatch errors resolved to pallet error
 * names ({@link io.tensorswarm.chain.extrinsic.DispatchErrors}).
 */
package io.tensorswarm.chain.extrinsic;
