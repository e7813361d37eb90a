/**
 * The real-chain {@link io.tensorswarm.chain.Chain}: {@link
 * io.tensorswarm.chain.subtensor.SubtensorClient} over JSON-RPC, with the decoders that turn
 * runtime-API results and storage values into the {@code io.tensorswarm.chain.model} records.
 */
package io.tensorswarm.chain.subtensor;
