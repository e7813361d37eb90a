package io.tensorswarm.chain.crypto;

import io.tensorswarm.common.protocol.SignatureVerifier;

/**
 * Verifies manifest signatures as sr25519 over the exact bytes (no {@code <Bytes>} wrapping).
 * Returns {@code false}, never throws, for a malformed address or signature.
 */
public final class Sr25519SignatureVerifier implements SignatureVerifier {
    @Override
    public boolean verify(String ss58, byte[] message, byte[] signature) {
        try {
            return Sr25519PublicKey.fromSs58(ss58).verify(message, signature);
        } catch (RuntimeException malformed) {
            return false;
        }
    }
}
