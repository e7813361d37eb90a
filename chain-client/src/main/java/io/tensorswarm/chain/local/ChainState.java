package io.tensorswarm.chain.local;

import io.tensorswarm.chain.model.AxonInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole persisted state of a local chain, as one JSON document ({@code state.json}). Mutable
 * and not thread-safe: it lives only inside one {@link StateStore} transaction.
 */
final class ChainState {
    /** Format version of the document. */
    int version = 1;
    /** Wall-clock time of block 0. */
    long genesisMillis;
    /** Milliseconds per block. */
    long blockTimeMillis;
    /** 32 random bytes fixed at genesis; block hashes derive from it. */
    byte[] seed;
    /** Extrinsics applied so far; extrinsic hashes derive from it. */
    long extrinsicCount;
    /** Free balance per coldkey (SS58), in rao. */
    Map<String, Long> balances = new TreeMap<>();
    /** Owning coldkey per hotkey (SS58), set by its first registration. */
    Map<String, String> hotkeyOwners = new TreeMap<>();
    /** Subnets by netuid. */
    Map<Integer, SubnetState> subnets = new TreeMap<>();

    /** The longest block time a local chain may have (an hour). */
    static final long MAX_BLOCK_TIME_MILLIS = 3_600_000L;

    /**
     * Returns what makes a loaded document unusable (one line naming the field), or empty: every
     * later computation divides by the block time, derives hashes from the seed, and indexes
     * subnets, so a hand-edited file is refused at load instead of failing mid-call.
     */
    java.util.Optional<String> problem() {
        if (version != 1) {
            return java.util.Optional.of("version " + version + " is not 1");
        }
        if (blockTimeMillis < 1 || blockTimeMillis > MAX_BLOCK_TIME_MILLIS) {
            return java.util.Optional.of("blockTimeMillis " + blockTimeMillis + " is not in [1, " + MAX_BLOCK_TIME_MILLIS + "]");
        }
        if (genesisMillis < 0) {
            return java.util.Optional.of("genesisMillis " + genesisMillis + " is negative");
        }
        if (seed == null || seed.length != 32) {
            return java.util.Optional.of("seed is not 32 bytes");
        }
        if (extrinsicCount < 0) {
            return java.util.Optional.of("extrinsicCount " + extrinsicCount + " is negative");
        }
        if (balances == null || hotkeyOwners == null || subnets == null) {
            return java.util.Optional.of("balances, hotkeyOwners or subnets is null");
        }
        for (Map.Entry<String, Long> b : balances.entrySet()) {
            if (b.getValue() == null || b.getValue() < 0) {
                return java.util.Optional.of("balance of " + b.getKey() + " is not a count of rao >= 0");
            }
        }
        for (Map.Entry<Integer, SubnetState> e : subnets.entrySet()) {
            SubnetState sn = e.getValue();
            if (e.getKey() == null || e.getKey() < 0 || e.getKey() > 0xFFFF) {
                return java.util.Optional.of("netuid " + e.getKey() + " is not a u16");
            }
            if (sn == null || sn.config == null || sn.neurons == null || sn.stake == null || sn.commitments == null
                    || sn.weightCommits == null) {
                return java.util.Optional.of("subnet " + e.getKey() + " is incomplete");
            }
        }
        return java.util.Optional.empty();
    }

    /** One subnet. */
    static final class SubnetState {
        LocalSubnetConfig config;
        /** Neurons by uid (the list index). */
        List<NeuronState> neurons = new ArrayList<>();
        /** Stake per hotkey, in rao; kept when a hotkey is replaced. */
        Map<String, Long> stake = new TreeMap<>();
        /** Commitment per hotkey. */
        Map<String, CommitmentState> commitments = new TreeMap<>();
        /** Unrevealed weight commits per hotkey, oldest first. */
        Map<String, List<WeightCommitState>> weightCommits = new TreeMap<>();
        /** Block of the last epoch run, -1 before the first. */
        long lastEpochBlock = -1;
    }

    /** One registered neuron. */
    static final class NeuronState {
        String hotkey;
        String coldkey;
        long registeredAt;
        /** Block of the last set_weights or weight commit (a reveal leaves it); 0 = never. */
        long lastUpdate;
        /** Block of the last serve_axon, -1 if never served. */
        long axonBlock = -1;
        AxonInfo axon;
        int[] weightUids = new int[0];
        int[] weightValues = new int[0];
        double incentive;
        double dividends;
    }

    /** A hotkey's commitment and its per-epoch space use. */
    static final class CommitmentState {
        long block;
        byte[] data;
        long spaceEpoch = -1;
        long spaceUsed;
        /** Earlier commitments, oldest first, at most {@code SubnetRules.COMMITMENT_HISTORY}: state at past blocks. */
        List<PastCommitment> history = new ArrayList<>();
    }

    /** A commitment that a later one replaced. */
    static final class PastCommitment {
        long block;
        byte[] data;
    }

    /** One weight commit awaiting its reveal. */
    static final class WeightCommitState {
        byte[] hash;
        long block;
        long epoch;
    }
}
