package io.tensorswarm.chain.wallet;

import io.tensorswarm.chain.ChainException;

/**
 * Thrown when a wallet cannot be read, unlocked or written: a missing or malformed key file, a
 * file that would be overwritten, an unreadable directory. Messages are one line, name the file
 * at fault and never carry passwords, phrases or keys.
 */
public class WalletException extends ChainException {
    private static final long serialVersionUID = 1L;

    public WalletException(String message) {
        super(message);
    }

    public WalletException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
