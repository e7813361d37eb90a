package io.tensorswarm.common.protocol;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for sr25519 in unit tests: HMAC-SHA512 keyed by the SS58 string, which gives 64-byte
 * signatures. It proves only the manifest's plumbing (what is signed, how the signature travels);
 * the real sr25519 signer and verifier live in {@code chain-client}, which {@code common} must not
 * depend on, and are tested there against known vectors.
 */
final class HmacTestSigner implements ManifestSigner, SignatureVerifier {
    private final String ss58;

    HmacTestSigner(String ss58) {
        this.ss58 = ss58;
    }

    @Override
    public String ss58() {
        return ss58;
    }

    @Override
    public byte[] sign(byte[] message) {
        return mac(ss58, message);
    }

    @Override
    public boolean verify(String address, byte[] message, byte[] signature) {
        return MessageDigest.isEqual(mac(address, message), signature);
    }

    private static byte[] mac(String key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
