package io.tensorswarm.chain.calls;

import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.VariantValue;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Typed builders for the calls Tensorswarm sends (SubtensorModule weights, registration and axon
 * calls, and {@code Commitments.set_commitment}); each resolves indices and argument types from
 * {@code md}, so it follows runtime upgrades.
 */
public final class SubtensorCalls {
    /** The pallet holding the subnet calls. */
    public static final String SUBTENSOR = "SubtensorModule";
    /** The pallet holding commitments. */
    public static final String COMMITMENTS = "Commitments";
    /** The largest payload a single {@code Data::Raw} field holds. */
    public static final int MAX_RAW_COMMITMENT = 128;

    private SubtensorCalls() {}

    /** Returns {@code set_weights(netuid, dests, weights, version_key)}. */
    public static EncodedCall setWeights(RuntimeMetadata md, int netuid, int[] uids, int[] weights, long versionKey) {
        requireSameLength(uids, weights);
        return CallEncoder.encode(md, SUBTENSOR, "set_weights", netuid, uids, weights, versionKey);
    }

    /** Returns {@code commit_weights(netuid, commit_hash)}; see {@link WeightCommitHash}. */
    public static EncodedCall commitWeights(RuntimeMetadata md, int netuid, byte[] commitHash) {
        if (commitHash.length != 32) {
            throw new IllegalArgumentException("commit hash needs 32 bytes, got " + commitHash.length);
        }
        return CallEncoder.encode(md, SUBTENSOR, "commit_weights", netuid, commitHash);
    }

    /** Returns {@code reveal_weights(netuid, uids, values, salt, version_key)}. */
    public static EncodedCall revealWeights(RuntimeMetadata md, int netuid, int[] uids, int[] values, int[] salt,
            long versionKey) {
        requireSameLength(uids, values);
        return CallEncoder.encode(md, SUBTENSOR, "reveal_weights", netuid, uids, values, salt, versionKey);
    }

    /** Returns {@code burned_register(netuid, hotkey)}; sign it with the coldkey, which pays the burn. */
    public static EncodedCall burnedRegister(RuntimeMetadata md, int netuid, byte[] hotkey) {
        return CallEncoder.encode(md, SUBTENSOR, "burned_register", netuid, hotkey);
    }

    /**
     * Returns {@code serve_axon(netuid, version, ip, port, ip_type, protocol, 0, 0)} for {@code
     * address}, with ip_type 4 or 6 taken from the address family and protocol 4 as the SDK sends.
     */
    public static EncodedCall serveAxon(RuntimeMetadata md, int netuid, long version, InetAddress address, int port) {
        BigInteger ip = new BigInteger(1, address.getAddress());
        int ipType = address instanceof Inet4Address ? 4 : 6;
        return CallEncoder.encode(md, SUBTENSOR, "serve_axon", netuid, version, ip, port, ipType, 4, 0, 0);
    }

    /**
     * Returns {@code Commitments.set_commitment(netuid, {fields: [Raw(data)]})}, the one-field form
     * the SDK's {@code commit} sends.
     *
     * @throws IllegalArgumentException if {@code data} is longer than 128 bytes
     */
    public static EncodedCall setRawCommitment(RuntimeMetadata md, int netuid, byte[] data) {
        if (data.length > MAX_RAW_COMMITMENT) {
            throw new IllegalArgumentException("a Raw commitment holds at most 128 bytes, got " + data.length);
        }
        Object field = VariantValue.of("Raw" + data.length, data);
        return CallEncoder.encode(md, COMMITMENTS, "set_commitment", netuid, Map.of("fields", List.of(field)));
    }

    private static void requireSameLength(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("uids and weights differ in length: " + a.length + " vs " + b.length);
        }
    }
}
