package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.WeightLimits;
import io.tensorswarm.chain.calls.EncodedCall;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import io.tensorswarm.chain.calls.WeightProcessing;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The one path by which a hotkey's weights go on chain, for the validator daemon and for {@code chain
 * set-weights} / {@code chain reveal}: {@link #prepare} fits the weights to the subnet's {@code
 * MinAllowedWeights} and {@code MaxWeightsLimit} and converts them to u16 as the SDK does ({@link
 * WeightProcessing}); {@link #send} sets them, or on a commit-reveal subnet commits their hash (random
 * 8-value salt) with the reveal saved in the {@link PendingRevealStore} <em>before</em> the commit is
 * sent (so a crash at any point leaves it on disk), then corrected to the block the commit landed in,
 * or removed when the chain refuses the commit; {@link #revealDue} sends the saved reveals whose window
 * has begun. Every step answers with a typed outcome whose {@code text()} is one line.
 *
 * <p>The {@link Mode} says who is sending, the only thing that differs between the callers. Not
 * thread-safe (the store is).
 *
 * <pre>{@code
 * WeightSender sender = WeightSender.builder().setNetuid(1).setHotkey(hotkey).setStore(store)
 *         .setMode(WeightSender.Mode.UNATTENDED).build();
 * WeightSender.Result r = sender.submit(chain, uids, weights, WeightSender.Watcher.NONE);
 * sender.revealDue(chain, WeightSender.Watcher.NONE);
 * }</pre>
 */
public final class WeightSender {
    private static final int SALT_LENGTH = 8;
    private static final String TOO_EARLY = "RevealTooEarly";
    /** Refusals after which a commit can never be revealed. */
    private static final Set<String> HOPELESS = Set.of("ExpiredWeightCommit", "NoWeightsCommitFound",
            "InvalidRevealCommitHashNotMatch", "InvalidRevealCommitTempo");

    /** Who sends the weights: decides what is checked before sending and what a strange refusal does. */
    public enum Mode {
        /**
         * A daemon, every round: nothing is sent that the chain would certainly refuse ({@link
         * WeightLimits}: registration, rate limit, unrevealed commits; a refusal costs a fee), and a
         * reveal refused for any reason but {@code RevealTooEarly} is dropped, since it would be
         * refused (and paid for) again at every poll.
         */
        UNATTENDED,
        /**
         * A person at the command line: what they asked is sent, so the chain's own error names the
         * problem, and a reveal refused for a reason that may pass is kept for them to retry; only
         * reveals the chain can never accept are dropped.
         */
        ATTENDED
    }

    /** Hears what the sender does while it does it (the CLI prints fees and reveals as they come). */
    public interface Watcher {
        /** A watcher that hears nothing. */
        Watcher NONE = new Watcher() {};

        /**
         * Called just before an extrinsic is sent, with its call (to estimate the fee); for a commit,
         * once its reveal is saved.
         */
        default void sending(Function<RuntimeMetadata, EncodedCall> call) {}

        /** Called with the outcome of each pending reveal {@link #revealDue} tried, in order. */
        default void reveal(RevealOutcome outcome) {}
    }

    /** What {@link #prepare} found: weights ready to send, or why none are sent. */
    public sealed interface Plan permits Prepared, Skipped {}

    /** What {@link #send} or {@link #submit} did. */
    public sealed interface Result permits Skipped, WeightsSet, Committed, Refused {
        /** One line: {@code set}, {@code committed}, {@code skipped: <why>} or {@code failed: <chain error>}. */
        String text();

        /** Whether weights (or their commit) went on chain. */
        default boolean sent() {
            return false;
        }
    }

    /**
     * Weights fitted to the subnet, ready for {@link #send}.
     *
     * @param hyperparameters the subnet's hyperparameters when prepared
     * @param neurons the subnet's neuron count when prepared
     * @param emit the u16 weights to send
     * @param versionKey the version key to send them with
     */
    public record Prepared(SubnetHyperparameters hyperparameters, int neurons, EmitWeights emit, long versionKey)
            implements Plan {
        /** Whether the subnet takes a hash commit (and a later reveal) instead of the weights. */
        public boolean commitReveal() {
            return hyperparameters.commitRevealEnabled();
        }
    }

    /** Why weights are not sent. */
    public enum SkipReason {
        /** No uid has a weight. */
        NO_WEIGHTS,
        /** The hotkey has no uid on the subnet. */
        NOT_REGISTERED,
        /** A limit of {@link WeightLimits} (rate limit, unrevealed commits). */
        LIMIT,
        /** The weights cannot be fitted to the subnet (e.g. a uid beyond its neurons). */
        DO_NOT_FIT
    }

    /** Nothing sent: {@code reason} is short ({@code rate limit}), {@code detail} one line. */
    public record Skipped(SkipReason why, String reason, String detail) implements Plan, Result {
        @Override
        public String text() {
            return "skipped: " + reason;
        }
    }

    /** {@code set_weights} went in {@code receipt}'s block. */
    public record WeightsSet(Prepared plan, TxReceipt receipt) implements Result {
        @Override
        public String text() {
            return "set";
        }

        @Override
        public boolean sent() {
            return true;
        }
    }

    /** {@code commit_weights} went in {@code receipt}'s block; {@code reveal} is saved for {@link #revealDue}. */
    public record Committed(Prepared plan, PendingReveal reveal, TxReceipt receipt) implements Result {
        @Override
        public String text() {
            return "committed";
        }

        @Override
        public boolean sent() {
            return true;
        }
    }

    /** The chain refused the weights (or the commit, whose saved reveal is removed again). */
    public record Refused(DispatchException error) implements Result {
        @Override
        public String text() {
            return "failed: " + error.errorName();
        }
    }

    /** What {@link #revealDue} did with one pending reveal. */
    public sealed interface RevealOutcome permits NotDue, Revealed, TooEarly, RevealRefused {
        /** The pending reveal. */
        PendingReveal reveal();

        /** One line saying what happened. */
        String text();
    }

    /** Not sent: its expected window starts after {@code now}; kept. */
    public record NotDue(PendingReveal reveal, long now) implements RevealOutcome {
        @Override
        public String text() {
            return "not yet: the commit of block " + reveal.commitBlock() + " can be revealed from block "
                    + reveal.revealFromBlock() + " (now " + now + ")";
        }
    }

    /** The chain accepted the reveal in {@code receipt}'s block; removed from the store. */
    public record Revealed(PendingReveal reveal, TxReceipt receipt) implements RevealOutcome {
        @Override
        public String text() {
            return "revealed the commit of block " + reveal.commitBlock() + " in block " + receipt.blockNumber();
        }
    }

    /** The chain answered {@code RevealTooEarly} (the expected window was an estimate); kept. */
    public record TooEarly(PendingReveal reveal, DispatchException error) implements RevealOutcome {
        @Override
        public String text() {
            return "not yet: the chain says " + error.getMessage();
        }
    }

    /** The chain refused the reveal; {@code dropped} says whether it was removed from the store. */
    public record RevealRefused(PendingReveal reveal, DispatchException error, boolean dropped) implements RevealOutcome {
        @Override
        public String text() {
            return (dropped ? "dropped" : "kept") + " the commit of block " + reveal.commitBlock() + ": "
                    + error.getMessage();
        }
    }

    private final int netuid;
    private final Sr25519KeyPair hotkey;
    private final PendingRevealStore store;
    private final Mode mode;
    private final SecureRandom random = new SecureRandom();

    private WeightSender(Builder b) {
        this.netuid = b.netuid;
        this.hotkey = b.hotkey;
        this.store = b.store;
        this.mode = b.mode;
    }

    /** Returns a builder; netuid, hotkey, store and mode are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the store of this hotkey's pending reveals. */
    public PendingRevealStore store() {
        return store;
    }

    /** Returns who sends: what is checked first and which refused reveals are dropped. */
    public Mode mode() {
        return mode;
    }

    /** {@link #prepare}s the weights with the subnet's version key and {@link #send}s them when ready. */
    public Result submit(Chain chain, int[] uids, float[] weights, Watcher watcher) {
        Plan plan = prepare(chain, uids, weights, OptionalLong.empty());
        return plan instanceof Prepared ready ? send(chain, ready, watcher) : (Skipped) plan;
    }

    /**
     * Fits {@code weights} (one per uid in {@code uids}, non-negative) to the subnet and converts them
     * to u16; sent with {@code versionKey}, or the subnet's {@code WeightsVersionKey} when empty. In
     * {@link Mode#UNATTENDED} it also skips what the chain would refuse: a hotkey without a uid, and
     * the limits of {@link WeightLimits} (the unrevealed commits counted in the store).
     */
    public Plan prepare(Chain chain, int[] uids, float[] weights, OptionalLong versionKey) {
        if (uids.length == 0) {
            return new Skipped(SkipReason.NO_WEIGHTS, "no positive scores", "no uid has a positive weight");
        }
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        Metagraph metagraph = chain.metagraph(netuid);
        if (mode == Mode.UNATTENDED) {
            Optional<Skipped> refused = checkLimits(chain, hp, metagraph);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        int neurons = metagraph.neurons().size();
        EmitWeights emit;
        try {
            emit = WeightProcessing.forEmit(uids, weights, neurons, hp.minAllowedWeights(), hp.maxWeightLimit());
        } catch (IllegalArgumentException e) {
            return new Skipped(SkipReason.DO_NOT_FIT, e.getMessage(), "the weights do not fit the subnet: " + e.getMessage());
        }
        return new Prepared(hp, neurons, emit, versionKey.orElse(hp.weightsVersionKey()));
    }

    // Checked here, not left to the chain: a refusal would cost a fee and a log line per round.
    private Optional<Skipped> checkLimits(Chain chain, SubnetHyperparameters hp, Metagraph metagraph) {
        long block = chain.currentBlock();
        Optional<Neuron> self = metagraph.byHotkey(hotkey.ss58Address());
        if (self.isEmpty()) {
            return Optional.of(new Skipped(SkipReason.NOT_REGISTERED, "not registered",
                    "this hotkey is not registered on subnet " + netuid));
        }
        long unrevealed = hp.commitRevealEnabled()
                ? store.unrevealedAt(PendingReveal.chainIdOf(chain), netuid, hotkey.ss58Address(), block) : 0;
        return WeightLimits.check(hp, self.get().lastUpdate(), block, unrevealed)
                .map(r -> new Skipped(SkipReason.LIMIT, r.reason(), r.detail()));
    }

    /**
     * Sends {@code plan}: {@code set_weights}, or on a commit-reveal subnet {@code commit_weights} with
     * the reveal saved first (see the class comment). A refusal of the chain is {@link Refused}; a
     * chain that cannot be reached throws, leaving a saved reveal in place (the commit may have landed;
     * if it did not, the chain answers its reveal with {@code NoWeightsCommitFound} and it is dropped).
     */
    public Result send(Chain chain, Prepared plan, Watcher watcher) {
        int[] u = plan.emit().uids();
        int[] w = plan.emit().weights();
        long key = plan.versionKey();
        try {
            if (!plan.commitReveal()) {
                watcher.sending(md -> SubtensorCalls.setWeights(md, netuid, u, w, key));
                return new WeightsSet(plan, chain.setWeights(netuid, hotkey, u, w, key));
            }
            return commit(chain, plan, watcher);
        } catch (DispatchException e) {
            return new Refused(e);
        }
    }

    private Committed commit(Chain chain, Prepared plan, Watcher watcher) {
        SubnetHyperparameters hp = plan.hyperparameters();
        int[] u = plan.emit().uids();
        int[] w = plan.emit().weights();
        long key = plan.versionKey();
        int[] salt = new int[SALT_LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = random.nextInt(65536);
        }
        byte[] hash = WeightCommitHash.compute(hotkey.publicKey().toBytes(), netuid, u, w, salt, key);
        String hex = "0x" + HexFormat.of().formatHex(hash);
        // Saved before the commit is sent: a process killed after the commit must not lose the salt.
        // Expected in the current block; corrected below once the receipt says where it landed.
        PendingReveal expected = PendingReveal.of(chain, hp, hotkey.ss58Address(), u, w, salt, key,
                chain.currentBlock(), hex);
        store.add(expected);
        watcher.sending(md -> SubtensorCalls.commitWeights(md, netuid, hash));
        TxReceipt receipt;
        try {
            receipt = chain.commitWeights(netuid, hotkey, hash);
        } catch (DispatchException e) {
            store.remove(expected); // refused by the chain: nothing to reveal
            throw e;
        }
        PendingReveal landed = expected;
        if (receipt.blockNumber() != expected.commitBlock()) {
            landed = PendingReveal.of(chain, hp, hotkey.ss58Address(), u, w, salt, key, receipt.blockNumber(), hex);
            store.replace(landed);
        }
        return new Committed(plan, landed, receipt);
    }

    /** Returns this hotkey's pending reveals on this subnet and chain, oldest first. */
    public List<PendingReveal> pending(Chain chain) {
        String chainId = PendingReveal.chainIdOf(chain);
        return store.load().stream().filter(p -> p.isFor(chainId, netuid, hotkey.ss58Address())).toList();
    }

    /**
     * Tries each of {@link #pending} in turn and returns what happened to each (empty when none is
     * pending), telling {@code watcher} as it goes: one whose expected window has not begun is not
     * sent; an accepted one is removed; one the chain calls {@code RevealTooEarly} stays; one the chain
     * can never accept ({@code ExpiredWeightCommit}, {@code NoWeightsCommitFound}, hash mismatch) is
     * dropped; one refused for another reason is dropped in {@link Mode#UNATTENDED} and kept in
     * {@link Mode#ATTENDED}.
     */
    public List<RevealOutcome> revealDue(Chain chain, Watcher watcher) {
        List<RevealOutcome> outcomes = new ArrayList<>();
        for (PendingReveal p : pending(chain)) {
            RevealOutcome outcome = reveal(chain, p, watcher);
            watcher.reveal(outcome);
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private RevealOutcome reveal(Chain chain, PendingReveal p, Watcher watcher) {
        long now = chain.currentBlock();
        if (now < p.revealFromBlock()) {
            return new NotDue(p, now);
        }
        try {
            watcher.sending(md -> SubtensorCalls.revealWeights(md, netuid, p.uids(), p.values(), p.salt(),
                    p.versionKey()));
            TxReceipt receipt = chain.revealWeights(netuid, hotkey, p.uids(), p.values(), p.salt(), p.versionKey());
            store.remove(p);
            return new Revealed(p, receipt);
        } catch (DispatchException e) {
            if (TOO_EARLY.equals(e.errorName())) {
                return new TooEarly(p, e);
            }
            boolean drop = HOPELESS.contains(e.errorName()) || mode == Mode.UNATTENDED;
            if (drop) {
                store.remove(p);
            }
            return new RevealRefused(p, e, drop);
        }
    }

    /** Builds a {@link WeightSender}. */
    public static final class Builder {
        private Integer netuid;
        private Sr25519KeyPair hotkey;
        private PendingRevealStore store;
        private Mode mode;

        private Builder() {}

        /** The subnet the weights go to. */
        public Builder setNetuid(int value) {
            this.netuid = value;
            return this;
        }

        /** The hotkey that signs the weights, commits and reveals. */
        public Builder setHotkey(Sr25519KeyPair value) {
            this.hotkey = value;
            return this;
        }

        /** Where the hotkey's pending reveals are kept. */
        public Builder setStore(PendingRevealStore value) {
            this.store = value;
            return this;
        }

        /** Who sends: a daemon or a person. */
        public Builder setMode(Mode value) {
            this.mode = value;
            return this;
        }

        /**
         * Returns the sender.
         *
         * @throws IllegalStateException naming the first missing setting
         */
        public WeightSender build() {
            if (netuid == null) {
                throw new IllegalStateException("WeightSender needs a netuid");
            }
            if (hotkey == null) {
                throw new IllegalStateException("WeightSender needs a hotkey");
            }
            if (store == null) {
                throw new IllegalStateException("WeightSender needs a pending-reveal store");
            }
            if (mode == null) {
                throw new IllegalStateException("WeightSender needs a mode (UNATTENDED or ATTENDED)");
            }
            return new WeightSender(this);
        }
    }
}
