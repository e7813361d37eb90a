package io.tensorswarm.chain.crypto;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.common.cli.UserFacingException;

/**
 * Thrown when key material, a mnemonic, an address or a signature is malformed: a bad checksum, a
 * wrong length, a non-canonical point or scalar. The message is one line and never carries secret
 * material.
 */
public class CryptoException extends ChainException implements UserFacingException {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
