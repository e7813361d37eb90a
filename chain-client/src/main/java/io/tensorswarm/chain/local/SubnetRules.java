package io.tensorswarm.chain.local;

import io.tensorswarm.chain.WeightLimits;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.local.ChainState.CommitmentState;
import io.tensorswarm.chain.local.ChainState.NeuronState;
import io.tensorswarm.chain.local.ChainState.SubnetState;
import io.tensorswarm.chain.local.ChainState.WeightCommitState;
import io.tensorswarm.chain.model.AxonInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The state transitions of the local chain's extrinsics and epochs, applied to a {@link ChainState}
 * at a given block. Each method checks the chain's rules in order and throws the chain's {@link
 * io.tensorswarm.chain.DispatchException} on the first one broken, before changing anything.
 */
final class SubnetRules {
    /** Replaced commitments kept per hotkey, so state at a past block can be read (like an archive node's). */
    static final int COMMITMENT_HISTORY = 32;

    /** Least space a set_commitment call is charged. */
    static final int MIN_COMMITMENT_CHARGE = 100;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private SubnetRules() {}

    static SubnetState subnet(ChainState state, int netuid) {
        SubnetState sub = state.subnets.get(netuid);
        if (sub == null) {
            throw DispatchErrors.subnetNotExists(netuid);
        }
        return sub;
    }

    static int uidOf(SubnetState sub, String hotkey) {
        for (int uid = 0; uid < sub.neurons.size(); uid++) {
            if (sub.neurons.get(uid).hotkey.equals(hotkey)) {
                return uid;
            }
        }
        return -1;
    }

    static int requireUid(SubnetState sub, int netuid, String hotkey) {
        int uid = uidOf(sub, hotkey);
        if (uid < 0) {
            throw DispatchErrors.hotkeyNotRegistered(netuid, hotkey);
        }
        return uid;
    }

    static long epochOf(SubnetState sub, long block) {
        return block / sub.config.tempo();
    }

    /** Registers {@code hotkey} for {@code coldkey}, burning the subnet's cost; returns the uid. */
    static int burnedRegister(ChainState state, int netuid, String coldkey, String hotkey, long block) {
        SubnetState sub = subnet(state, netuid);
        if (uidOf(sub, hotkey) >= 0) {
            throw DispatchErrors.subtensor("HotKeyAlreadyRegisteredInSubNet",
                    "The hotkey " + hotkey + " is already registered in subnet " + netuid + ".");
        }
        String owner = state.hotkeyOwners.get(hotkey);
        if (owner != null && !owner.equals(coldkey)) {
            throw DispatchErrors.subtensor("NonAssociatedColdKey",
                    "The hotkey " + hotkey + " belongs to another coldkey.");
        }
        long burn = sub.config.burnRao();
        long balance = state.balances.getOrDefault(coldkey, 0L);
        if (balance < burn) {
            throw DispatchErrors.subtensor("NotEnoughBalanceToStake",
                    "The coldkey " + coldkey + " holds " + balance + " rao; registration burns " + burn + ".");
        }
        int uid;
        if (sub.neurons.size() < sub.config.maxUids()) {
            uid = sub.neurons.size();
            sub.neurons.add(null);
        } else {
            uid = pruneCandidate(sub, block);
            NeuronState old = sub.neurons.get(uid);
            sub.weightCommits.remove(old.hotkey);
        }
        NeuronState neuron = new NeuronState();
        neuron.hotkey = hotkey;
        neuron.coldkey = coldkey;
        neuron.registeredAt = block;
        sub.neurons.set(uid, neuron);
        state.balances.put(coldkey, balance - burn);
        state.hotkeyOwners.putIfAbsent(hotkey, coldkey);
        return uid;
    }

    /** Returns the uid to replace: the lowest incentive outside the immunity period, oldest first. */
    private static int pruneCandidate(SubnetState sub, long block) {
        int best = -1;
        for (int uid = 0; uid < sub.neurons.size(); uid++) {
            NeuronState n = sub.neurons.get(uid);
            if (block - n.registeredAt < sub.config.immunityPeriod()) {
                continue;
            }
            if (best < 0) {
                best = uid;
                continue;
            }
            NeuronState b = sub.neurons.get(best);
            if (n.incentive < b.incentive || (n.incentive == b.incentive && n.registeredAt < b.registeredAt)) {
                best = uid;
            }
        }
        if (best < 0) {
            throw DispatchErrors.subtensor("NoNeuronIdAvailable",
                    "The subnet is full and every neuron is within its immunity period.");
        }
        return best;
    }

    /** Stores the hotkey's axon after the chain's address checks. */
    static void serveAxon(ChainState state, int netuid, String hotkey, AxonInfo axon, long block) {
        SubnetState sub = subnet(state, netuid);
        NeuronState neuron = sub.neurons.get(requireUid(sub, netuid, hotkey));
        checkAxon(axon);
        if (neuron.axonBlock >= 0 && block - neuron.axonBlock < sub.config.servingRateLimit()) {
            throw DispatchErrors.subtensor("ServingRateLimitExceeded",
                    "The axon was served at block " + neuron.axonBlock + "; the limit is "
                            + sub.config.servingRateLimit() + " blocks.");
        }
        neuron.axon = axon;
        neuron.axonBlock = block;
    }

    private static void checkAxon(AxonInfo axon) {
        if (axon.ipType() != 4 && axon.ipType() != 6) {
            throw DispatchErrors.subtensor("InvalidIpType", "The ip type " + axon.ipType() + " is neither 4 nor 6.");
        }
        if (axon.port() < 1 || axon.port() > 65535) {
            throw DispatchErrors.subtensor("InvalidPort", "The port " + axon.port() + " is not in [1, 65535].");
        }
        String ip = axon.ip() == null ? "" : axon.ip().strip();
        boolean valid;
        if (axon.ipType() == 4) {
            var m = IPV4.matcher(ip);
            valid = m.matches() && Arrays.stream(new int[] {1, 2, 3, 4}).allMatch(g -> Integer.parseInt(m.group(g)) <= 255)
                    && !ip.equals("0.0.0.0") && !ip.equals("255.255.255.255");
        } else {
            valid = isIpv6Literal(ip);
        }
        if (!valid) {
            throw DispatchErrors.subtensor("InvalidIpAddress", "'" + ip + "' is not a valid IPv" + axon.ipType() + " address.");
        }
    }

    private static boolean isIpv6Literal(String ip) {
        if (!ip.contains(":") || !ip.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            byte[] raw = InetAddress.getByName(ip).getAddress();
            return raw.length == 16 && !Arrays.equals(raw, new byte[16]);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Applies {@code set_weights} from {@code hotkey}. */
    static void setWeights(ChainState state, int netuid, String hotkey, int[] uids, int[] values, long versionKey, long block) {
        if (netuid == 0) {
            throw DispatchErrors.subtensor("CanNotSetRootNetworkWeights", "Weights cannot be set on the root network.");
        }
        SubnetState sub = subnet(state, netuid);
        if (sub.config.commitRevealEnabled()) {
            throw DispatchErrors.subtensor("CommitRevealEnabled",
                    "Commit-reveal is enabled on subnet " + netuid + "; use commit_weights and reveal_weights.");
        }
        applyWeights(sub, netuid, hotkey, uids, values, versionKey, block, false);
    }

    /**
     * Stores weights after {@link WeightChecks}. A reveal skips the rate limit and leaves {@code
     * lastUpdate} alone: on a commit-reveal subnet the commit is the neuron's update, as in
     * subtensor's {@code do_set_weights}.
     */
    private static void applyWeights(SubnetState sub, int netuid, String hotkey, int[] uids, int[] values,
            long versionKey, long block, boolean reveal) {
        if (uids.length != values.length) {
            throw DispatchErrors.subtensor("WeightVecNotEqualSize",
                    "The uids vector (" + uids.length + ") and the weights vector (" + values.length + ") differ in length.");
        }
        int uid = requireUid(sub, netuid, hotkey);
        boolean[] permits = permits(sub);
        WeightChecks.check(sub, uid, uids, values, versionKey, block, !reveal, permits[uid],
                sub.stake.getOrDefault(hotkey, 0L));
        NeuronState neuron = sub.neurons.get(uid);
        neuron.weightUids = uids.clone();
        neuron.weightValues = WeightChecks.maxUpscaled(values);
        if (!reveal) {
            neuron.lastUpdate = block;
        }
    }

    /**
     * Stores a weight commit from {@code hotkey}, in subtensor's order: the rate limit counts from the
     * neuron's {@code lastUpdate} (set by {@code set_weights} and by commits alike), expired commits
     * are dropped, at most {@link WeightLimits#MAX_UNREVEALED_COMMITS} may wait, and the commit
     * becomes the neuron's update.
     */
    static void commitWeights(ChainState state, int netuid, String hotkey, byte[] hash, long block) {
        SubnetState sub = subnet(state, netuid);
        if (!sub.config.commitRevealEnabled()) {
            throw DispatchErrors.subtensor("CommitRevealDisabled", "Commit-reveal is disabled on subnet " + netuid + ".");
        }
        if (hash.length != 32) {
            throw new IllegalArgumentException("commit hash must be 32 bytes, got " + hash.length);
        }
        NeuronState neuron = sub.neurons.get(requireUid(sub, netuid, hotkey));
        if (!WeightLimits.rateLimitPassed(neuron.lastUpdate, block, sub.config.weightsRateLimit())) {
            throw DispatchErrors.subtensor("CommittingWeightsTooFast",
                    "Weights were last updated at block " + neuron.lastUpdate + "; the rate limit is "
                            + sub.config.weightsRateLimit() + " blocks and this is block " + block + ".");
        }
        List<WeightCommitState> commits = sub.weightCommits.computeIfAbsent(hotkey, k -> new ArrayList<>());
        long epoch = epochOf(sub, block);
        commits.removeIf(c -> c.epoch + sub.config.revealPeriodEpochs() < epoch);
        if (commits.size() >= WeightLimits.MAX_UNREVEALED_COMMITS) {
            throw DispatchErrors.subtensor("TooManyUnrevealedCommits",
                    "The hotkey has " + commits.size() + " unrevealed commits.");
        }
        WeightCommitState commit = new WeightCommitState();
        commit.hash = hash.clone();
        commit.block = block;
        commit.epoch = epoch;
        commits.add(commit);
        neuron.lastUpdate = block;
    }

    /**
     * Reveals weights committed earlier; the hash is recomputed as {@link WeightCommitHash} does. As
     * in subtensor's {@code reveal_weights}: expired commits are dropped first (revealing one of them
     * is {@code ExpiredWeightCommit}), and an accepted reveal also drops every older commit.
     */
    static void revealWeights(ChainState state, int netuid, String hotkey, byte[] hotkeyPublicKey, int[] uids,
            int[] values, int[] salt, long versionKey, long block) {
        SubnetState sub = subnet(state, netuid);
        if (!sub.config.commitRevealEnabled()) {
            throw DispatchErrors.subtensor("CommitRevealDisabled", "Commit-reveal is disabled on subnet " + netuid + ".");
        }
        requireUid(sub, netuid, hotkey);
        List<WeightCommitState> commits = sub.weightCommits.get(hotkey);
        if (commits == null || commits.isEmpty()) {
            throw DispatchErrors.subtensor("NoWeightsCommitFound", "The hotkey has no weight commit to reveal.");
        }
        byte[] hash = WeightCommitHash.compute(hotkeyPublicKey, netuid, uids, values, salt, versionKey);
        long epoch = epochOf(sub, block);
        long period = sub.config.revealPeriodEpochs();
        boolean revealsExpired = false;
        for (Iterator<WeightCommitState> it = commits.iterator(); it.hasNext(); ) {
            WeightCommitState c = it.next();
            if (c.epoch + period < epoch) {
                revealsExpired |= Arrays.equals(c.hash, hash);
                it.remove();
            }
        }
        int position = -1;
        for (int i = 0; i < commits.size() && position < 0; i++) {
            if (Arrays.equals(commits.get(i).hash, hash)) {
                position = i;
            }
        }
        if (position < 0) {
            if (revealsExpired) {
                throw DispatchErrors.subtensor("ExpiredWeightCommit", "The revealed commit had to be revealed in epoch "
                        + "commit epoch + " + period + "; this is epoch " + epoch + ".");
            }
            if (commits.isEmpty()) {
                throw DispatchErrors.subtensor("NoWeightsCommitFound", "The hotkey has no unexpired weight commit.");
            }
            throw DispatchErrors.subtensor("InvalidRevealCommitHashNotMatch",
                    "No commit matches the revealed uids, values, salt and version key.");
        }
        WeightCommitState match = commits.get(position);
        if (epoch < match.epoch + period) {
            throw DispatchErrors.subtensor("RevealTooEarly", "The commit of epoch " + match.epoch
                    + " can be revealed in epoch " + (match.epoch + period) + "; this is epoch " + epoch + ".");
        }
        applyWeights(sub, netuid, hotkey, uids, values, versionKey, block, true);
        commits.subList(0, position + 1).clear();
    }

    /** Stores the hotkey's commitment, charging the per-epoch space quota. */
    static void setCommitment(ChainState state, int netuid, String hotkey, byte[] data, long block) {
        SubnetState sub = subnet(state, netuid);
        if (uidOf(sub, hotkey) < 0) {
            throw DispatchErrors.commitments("AccountNotAllowedCommit",
                    "The hotkey " + hotkey + " is not registered in subnet " + netuid + ".");
        }
        CommitmentState c = sub.commitments.computeIfAbsent(hotkey, k -> new CommitmentState());
        long epoch = epochOf(sub, block);
        long used = c.spaceEpoch == epoch ? c.spaceUsed : 0;
        long charge = Math.max(MIN_COMMITMENT_CHARGE, data.length);
        if (used + charge > sub.config.maxCommitmentSpace()) {
            if (c.data == null) {
                sub.commitments.remove(hotkey);
            }
            throw DispatchErrors.commitments("SpaceLimitExceeded", "The commitment needs " + charge + " bytes; "
                    + (sub.config.maxCommitmentSpace() - used) + " are left in this epoch.");
        }
        if (c.data != null) {
            ChainState.PastCommitment past = new ChainState.PastCommitment();
            past.block = c.block;
            past.data = c.data;
            if (c.history == null) {
                c.history = new java.util.ArrayList<>();
            }
            c.history.add(past);
            while (c.history.size() > COMMITMENT_HISTORY) {
                c.history.remove(0);
            }
        }
        c.block = block;
        c.data = data.clone();
        c.spaceEpoch = epoch;
        c.spaceUsed = used + charge;
    }

    /** Returns each uid's validator permit: the top {@code maxAllowedValidators} by stake, stake > 0. */
    static boolean[] permits(SubnetState sub) {
        int n = sub.neurons.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong((Integer uid) -> -stakeOf(sub, uid)).thenComparingInt(uid -> uid));
        boolean[] permit = new boolean[n];
        for (int k = 0; k < Math.min(n, sub.config.maxAllowedValidators()); k++) {
            if (stakeOf(sub, order[k]) > 0) {
                permit[order[k]] = true;
            }
        }
        return permit;
    }

    static long stakeOf(SubnetState sub, int uid) {
        return sub.stake.getOrDefault(sub.neurons.get(uid).hotkey, 0L);
    }

    /** Runs the epochs due by {@code block} on every subnet; returns whether any ran. */
    static boolean runDueEpochs(ChainState state, long block) {
        boolean ran = false;
        for (SubnetState sub : state.subnets.values()) {
            long boundary = block - block % sub.config.tempo();
            if (boundary > 0 && boundary > sub.lastEpochBlock) {
                runEpoch(sub);
                sub.lastEpochBlock = boundary;
                ran = true;
            }
        }
        return ran;
    }

    /**
     * Recomputes incentive and dividends with {@link SimplifiedYuma}: stake of permit holders,
     * weights stored by the chain, each weight on a uid dropped when the uid was re-registered after
     * the validator last set weights.
     */
    static void runEpoch(SubnetState sub) {
        int n = sub.neurons.size();
        boolean[] permit = permits(sub);
        double[] stake = new double[n];
        double[][] weights = new double[n][n];
        for (int i = 0; i < n; i++) {
            NeuronState v = sub.neurons.get(i);
            stake[i] = permit[i] ? stakeOf(sub, i) : 0;
            for (int k = 0; k < v.weightUids.length; k++) {
                int j = v.weightUids[k];
                if (j < n && sub.neurons.get(j).registeredAt <= v.lastUpdate) {
                    weights[i][j] = v.weightValues[k];
                }
            }
        }
        SimplifiedYuma.Result result = SimplifiedYuma.compute(stake, weights, sub.config.consensusClipping());
        double[] incentive = result.incentive();
        double[] dividends = result.dividends();
        for (int i = 0; i < n; i++) {
            sub.neurons.get(i).incentive = incentive[i];
            sub.neurons.get(i).dividends = dividends[i];
        }
    }
}
