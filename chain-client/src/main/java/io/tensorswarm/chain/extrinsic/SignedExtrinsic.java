package io.tensorswarm.chain.extrinsic;

import io.tensorswarm.chain.hash.Hashing;
import io.tensorswarm.chain.scale.Hex;

/** An encoded extrinsic, length prefix included, as {@code author_submitExtrinsic} takes it. */
public record SignedExtrinsic(byte[] bytes) {
    /** Copies the bytes. */
    public SignedExtrinsic {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Returns the transaction hash: blake2-256 of the whole encoding. */
    public byte[] hash() {
        return Hashing.blake2b256(bytes);
    }

    /** Returns the {@code 0x}-hex encoding sent over RPC. */
    public String hex() {
        return Hex.encodePrefixed(bytes);
    }

    /** Returns the {@code 0x}-hex transaction hash. */
    public String hashHex() {
        return Hex.encodePrefixed(hash());
    }
}
