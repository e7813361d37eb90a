package io.tensorswarm.chain.wallet;

/**
 * Thrown when an encrypted key file does not decrypt: the password is wrong or the file was
 * altered. A checked-in-spirit error that callers typically answer by asking for the password
 * again.
 */
public class KeyfileDecryptionException extends WalletException {
    private static final long serialVersionUID = 1L;

    public KeyfileDecryptionException(String message) {
        super(message);
    }
}
