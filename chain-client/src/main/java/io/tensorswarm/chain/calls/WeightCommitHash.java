package io.tensorswarm.chain.calls;

import io.tensorswarm.chain.hash.Hashing;
import io.tensorswarm.chain.scale.ScaleWriter;

/**
 * Computes the hash commit-reveal ("v2") commitment: {@code blake2_256(SCALE(hotkey AccountId32,
 * netuid_index u16, uids Vec<u16>, values Vec<u16>, salt Vec<u16>, version_key u64))}, as the
 * chain's {@code get_commit_hash} and the SDK's {@code generate_weight_hash} do.
 */
public final class WeightCommitHash {
    private WeightCommitHash() {}

    /**
     * Returns the 32-byte commit hash; {@code netuidIndex} is {@code mecid * 4096 + netuid}
     * (equal to netuid for the main mechanism).
     */
    public static byte[] compute(byte[] hotkey, int netuidIndex, int[] uids, int[] values, int[] salt, long versionKey) {
        ScaleWriter w = new ScaleWriter(128);
        w.writeAccountId(hotkey).writeU16(netuidIndex);
        writeU16Vec(w, uids);
        writeU16Vec(w, values);
        writeU16Vec(w, salt);
        w.writeU64(versionKey);
        return Hashing.blake2b256(w.toByteArray());
    }

    private static void writeU16Vec(ScaleWriter w, int[] items) {
        w.writeCompact(items.length);
        for (int v : items) {
            w.writeU16(v);
        }
    }
}
