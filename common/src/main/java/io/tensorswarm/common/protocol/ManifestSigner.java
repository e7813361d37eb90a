package io.tensorswarm.common.protocol;

/**
 * Signs manifests with a hotkey: the chain client implements it with sr25519 (64-byte signatures),
 * so {@code common} needs no cryptography. Implementations must be safe for concurrent use and must
 * never log or expose key material.
 */
public interface ManifestSigner {
    /** Returns the SS58 address of the signing hotkey. */
    String ss58();

    /** Returns the 64-byte signature of {@code message}. */
    byte[] sign(byte[] message);
}
