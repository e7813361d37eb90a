package io.tensorswarm.chain.wallet;

import io.tensorswarm.common.cli.UserFacingException;

/**
 * Thrown when a wallet cannot be read, unlocked or written: a missing or malformed key file, a
 * file that would be overwritten, an unreadable directory. Messages are one line, name the file
 * at fault and never carry passwords, phrases or keys.
 */
public class WalletException extends RuntimeException implements UserFacingException {
    private static final long serialVersionUID = 1L;

    public WalletException(String message) {
        super(message);
    }

    public WalletException(String message, Throwable cause) {
        super(message, cause);
    }
}
