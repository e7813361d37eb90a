/**
 * Substrate/Bittensor chain client: SCALE, metadata, JSON-RPC over WebSocket, sr25519 keys, btcli
 * wallets and extrinsics, plus the embedded local chain.
 *
 * <p>Allowed package dependencies (one way only): {@code scale <- hash <- metadata <- calls}, and
 * {@code scale <- crypto <- rpc <- extrinsic}. Every error is a {@link
 * io.tensorswarm.chain.ChainException}.
 */
package io.tensorswarm.chain;
