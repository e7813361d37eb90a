/**
 * Substrate/Bittensor chain client: SCALE, metadata, JSON-RPC over WebSocket, sr25519 keys, btcli
 * wallets and extrinsics, plus the embedded local chain.
 *
 * <p>Allowed package dependencies (one way only): {@code scale <- hash <- metadata <- calls}, and
 * {@code scale <- crypto <- rpc <- extrinsic}. The factory {@link io.tensorswarm.chain.Chains} is
 * the one class here that depends on {@code local} and {@code subtensor}. Every error is a {@link
 * io.tensorswarm.chain.ChainException}.
 */
package io.tensorswarm.chain;
