package io.tensorswarm.chain.auth;

import java.util.Optional;

/**
 * Decides whether a hotkey whose signature verified may call an endpoint. Returns empty to allow,
 * or a one-line reason to refuse (answered with 403). Implementations must be safe for concurrent
 * use and fast: they run on every signed request.
 *
 * <pre>{@code
 * HotkeyAuthorizer validators = MetagraphCache.of(chain, netuid).validatorsOnly();
 * }</pre>
 */
@FunctionalInterface
public interface HotkeyAuthorizer {
    /** Allows every hotkey with a valid signature. */
    HotkeyAuthorizer ANYONE = hotkey -> Optional.empty();

    /** Returns empty when {@code hotkeySs58} (SS58, format 42) may call, else the reason it may not. */
    Optional<String> denial(String hotkeySs58);
}
