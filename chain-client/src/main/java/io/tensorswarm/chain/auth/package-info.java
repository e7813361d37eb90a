/**
 * Hotkey-signed HTTP requests between Tensorswarm daemons: {@link
 * io.tensorswarm.chain.auth.RequestSigner} adds the signature headers on the client side (also as
 * an OkHttp interceptor), {@link io.tensorswarm.chain.auth.RequestVerifier} checks them on the
 * server side, and a {@link io.tensorswarm.chain.auth.HotkeyAuthorizer} decides who may call, for
 * instance "registered on netuid N" through {@link io.tensorswarm.chain.auth.MetagraphCache}.
 *
 * <p>The scheme is documented in {@code docs/orchestrator.md}. Depends on {@code crypto}, {@code
 * model} and the {@link io.tensorswarm.chain.Chain} interface; nothing else in chain-client depends
 * on it.
 */
package io.tensorswarm.chain.auth;
