package io.tensorswarm.common.protocol;

/**
 * Checks hotkey signatures: the chain client implements it with sr25519. Implementations must be
 * safe for concurrent use, and return {@code false} (never throw) for a malformed address or
 * signature.
 */
public interface SignatureVerifier {
    /** Returns whether {@code signature} is the hotkey {@code ss58}'s signature of {@code message}. */
    boolean verify(String ss58, byte[] message, byte[] signature);
}
