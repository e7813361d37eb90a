package io.tensorswarm.chain.extrinsic;

import io.tensorswarm.chain.scale.Era;
import java.util.Objects;

/**
 * What a signed extrinsic commits to besides its call: the runtime's spec and transaction versions,
 * the genesis hash, the mortality era and the hash of its birth block (the genesis hash when
 * immortal), the sender's nonce and the tip in rao.
 */
public record ExtrinsicParams(
        long specVersion,
        long transactionVersion,
        byte[] genesisHash,
        Era era,
        byte[] birthBlockHash,
        long nonce,
        long tip) {

    /** Validates and copies the hashes. */
    public ExtrinsicParams {
        Objects.requireNonNull(era, "era");
        if (genesisHash.length != 32 || birthBlockHash.length != 32) {
            throw new IllegalArgumentException("genesis and birth block hashes must be 32 bytes");
        }
        if (nonce < 0 || tip < 0) {
            throw new IllegalArgumentException("nonce and tip must not be negative");
        }
        genesisHash = genesisHash.clone();
        birthBlockHash = birthBlockHash.clone();
    }

    @Override
    public byte[] genesisHash() {
        return genesisHash.clone();
    }

    @Override
    public byte[] birthBlockHash() {
        return birthBlockHash.clone();
    }
}
