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
