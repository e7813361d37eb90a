package io.tensorswarm.chain.crypto;

import io.tensorswarm.common.protocol.ManifestSigner;
import java.util.Objects;

/** Signs delta manifests with a hotkey's sr25519 key ("substrate" signing context, no wrapping). */
public final class Sr25519ManifestSigner implements ManifestSigner {
    private final Sr25519KeyPair hotkey;

    public Sr25519ManifestSigner(Sr25519KeyPair hotkey) {
        this.hotkey = Objects.requireNonNull(hotkey, "hotkey");
    }

    @Override
    public String ss58() {
        return hotkey.ss58Address();
    }

    @Override
    public byte[] sign(byte[] message) {
        return hotkey.sign(message);
    }

    @Override
    public String toString() {
        return "Sr25519ManifestSigner[" + hotkey.ss58Address() + "]";
    }
}
