/**
 * Substrate/Bittensor chain client: SCALE, metadata, JSON-RPC over WebSocket, sr25519 keys, btcli
 * wallets and extrinsics, plus the embedded local chain. Being built under issue 3; nothing here yet.
 */
package io.tensorswarm.chain;
