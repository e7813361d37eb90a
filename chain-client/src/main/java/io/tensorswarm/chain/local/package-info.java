/**
 * The embedded local chain: {@link io.tensorswarm.chain.local.LocalChain} implements {@link
 * io.tensorswarm.chain.Chain} on a state folder shared by processes on one machine, with the
 * subtensor rules Tensorswarm depends on and a simplified Yuma epoch ({@link
 * io.tensorswarm.chain.local.SimplifiedYuma}). {@link io.tensorswarm.chain.local.MockTime} drives its
 * block clock in tests. Depends on {@code calls}, {@code crypto}, {@code hash}, {@code scale} and
 * {@code model}; nothing depends on it except the daemons.
 */
package io.tensorswarm.chain.local;
