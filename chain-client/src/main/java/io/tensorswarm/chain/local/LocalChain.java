package io.tensorswarm.chain.local;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.hash.Hashing;
import io.tensorswarm.chain.local.ChainState.NeuronState;
import io.tensorswarm.chain.local.ChainState.SubnetState;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded chain for single-machine runs and tests that keeps subtensor's rules that matter to
 * Tensorswarm, with its state in a folder shared by every process that opens it.
 *
 * <p>Blocks are derived from wall time: block {@code b} starts {@code b × blockTime} after genesis,
 * so every process agrees on the block number without talking. An extrinsic lands in the current
 * block and returns at once. Each call (read or extrinsic) is one transaction on {@code
 * <dir>/state.json} under a file lock (see {@link StateStore}); epochs due by the current block
 * run first, so incentive reflects exactly the weights set before each epoch's block.
 *
 * <p>Rules kept: burned registration from a funded coldkey, uid replacement when full (lowest
 * incentive outside the immunity period), validator permits for the top stake, {@code serve_axon}
 * address checks, every {@code set_weights} check of chain-spec §4.1, hash commit-reveal with reveal
 * windows in epochs, commitments with their block and a per-epoch space quota, and incentive and
 * dividends from {@link SimplifiedYuma} at every multiple of the tempo. Errors are {@link
 * io.tensorswarm.chain.DispatchException}s named as on chain ({@code
 * SubtensorModule.SettingWeightsTooFast}). Differences from subtensor: no emission or staking
 * economics (stake is set by the admin methods), epochs at multiples of {@code tempo}, loopback
 * axons allowed, signatures not checked (the caller holds the keys). Safe for concurrent use by
 * threads and processes.
 *
 * <pre>{@code
 * try (LocalChain chain = LocalChain.builder().setDirectory(dir).optBlockTime(Duration.ofSeconds(1)).build()) {
 *     int netuid = chain.createSubnet(LocalSubnetConfig.defaults().withTempo(20));
 *     chain.fund(coldkey.ss58Address(), 10_000_000_000L);
 *     chain.burnedRegister(netuid, coldkey, hotkey.ss58Address());
 *     chain.setStake(netuid, hotkey.ss58Address(), 1_000_000_000_000L);
 * }
 * }</pre>
 */
public final class LocalChain implements Chain {
    private static final Logger log = LoggerFactory.getLogger(LocalChain.class);

    /** Block time of finney, the default. */
    public static final Duration DEFAULT_BLOCK_TIME = Duration.ofSeconds(12);
    /** Balance each dev account (//Alice … //Ferdie) gets at genesis: one million TAO, in rao. */
    public static final long DEV_ACCOUNT_BALANCE_RAO = 1_000_000L * 1_000_000_000L;
    /** The dev accounts funded at genesis, as secret URIs. */
    public static final List<String> DEV_ACCOUNTS = List.of("//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie");

    private final StateStore store;
    private final Time time;
    private final Supplier<ChainState> genesis;

    private LocalChain(Builder b) {
        this.store = new StateStore(b.directory);
        this.time = b.time;
        this.genesis = () -> b.genesisState(time.milliseconds());
        long blockTime = blockTimeMillis();
        if (b.blockTime != null && b.blockTime.toMillis() != blockTime) {
            log.warn("Local chain {} keeps its genesis block time {} ms; ignoring the requested {} ms",
                    store.directory(), blockTime, b.blockTime.toMillis());
        }
    }

    /** Returns a builder; {@link Builder#setDirectory} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Opens (or creates with the default genesis) the local chain in {@code dir}. */
    public static LocalChain open(Path dir) {
        return builder().setDirectory(dir).build();
    }

    /** Returns whether {@code dir} holds a local chain (its {@code state.json}); opening it would not create one. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(StateStore.STATE_FILE));
    }

    /** Returns the folder holding the state. */
    public Path directory() {
        return store.directory();
    }

    /** Returns the block time fixed at genesis. */
    public Duration blockTime() {
        return Duration.ofMillis(blockTimeMillis());
    }

    private long blockTimeMillis() {
        return read(s -> s.blockTimeMillis);
    }

    // ---- transactions ----

    private long blockAt(ChainState state) {
        return Math.max(0, (time.milliseconds() - state.genesisMillis) / state.blockTimeMillis);
    }

    /** A read: runs due epochs (persisting them) and returns {@code body}'s value. */
    private <T> T read(Function<ChainState, T> body) {
        return store.transact(genesis, state -> {
            boolean ran = SubnetRules.runDueEpochs(state, blockAt(state));
            return new StateStore.Outcome<>(body.apply(state), ran);
        });
    }

    /** A state change: runs due epochs, applies {@code body} at the current block, persists. */
    private <T> T change(Function<ChainState, T> body) {
        return store.transact(genesis, state -> {
            SubnetRules.runDueEpochs(state, blockAt(state));
            return new StateStore.Outcome<>(body.apply(state), true);
        });
    }

    private interface Extrinsic {
        void apply(ChainState state, long block);
    }

    /**
     * Applies an extrinsic in the block being built and, on the system clock, returns once that block is
     * sealed (the next one has started), as a node's {@code submitAndWatch} answers when the including
     * block is imported. So nothing a caller does after the receipt (a miner's upload after its
     * commitment) can be seen by others in time to land in the same block. Under a {@link MockTime} the
     * test moves time itself and the receipt comes at once.
     */
    private TxReceipt submit(String call, Extrinsic extrinsic) {
        long[] sealedAtMillis = new long[1];
        TxReceipt receipt = change(state -> {
            long block = blockAt(state);
            extrinsic.apply(state, block);
            state.extrinsicCount++;
            byte[] extHash = Hashing.blake2b256(new ScaleWriter(64).writeBytes(state.seed)
                    .writeU64(state.extrinsicCount).writeBytes(call.getBytes(StandardCharsets.UTF_8))
                    .toByteArray());
            log.debug("{} in block {}", call, block);
            sealedAtMillis[0] = state.genesisMillis + (block + 1) * state.blockTimeMillis;
            return new TxReceipt(block, hex(blockHash(state, block)), hex(extHash));
        });
        awaitSealed(sealedAtMillis[0]);
        return receipt;
    }

    private void awaitSealed(long sealedAtMillis) {
        if (time != Time.SYSTEM) {
            return;
        }
        long wait = sealedAtMillis - time.milliseconds();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the extrinsic is applied; only the wait is cut short
            }
        }
    }

    private static byte[] blockHash(ChainState state, long number) {
        return Hashing.blake2b256(new ScaleWriter(40).writeBytes(state.seed).writeU64(number).toByteArray());
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    // ---- Chain ----

    @Override
    public long currentBlock() {
        return read(this::blockAt);
    }

    /** {@inheritDoc} Hashes derive from a random seed fixed at genesis; future blocks have none. */
    @Override
    public byte[] blockHash(long number) {
        if (number < 0) {
            throw new IllegalArgumentException("block number must be non-negative: " + number);
        }
        return read(state -> {
            long best = blockAt(state);
            if (number > best) {
                throw new ChainException("Block " + number + " is not produced yet; the best block is " + best);
            }
            return blockHash(state, number);
        });
    }

    @Override
    public SubnetHyperparameters hyperparameters(int netuid) {
        return read(state -> existing(state, netuid).config.toHyperparameters(netuid));
    }

    @Override
    public Metagraph metagraph(int netuid) {
        return read(state -> {
            SubnetState sub = existing(state, netuid);
            boolean[] permits = SubnetRules.permits(sub);
            List<Neuron> neurons = new ArrayList<>();
            for (int uid = 0; uid < sub.neurons.size(); uid++) {
                NeuronState n = sub.neurons.get(uid);
                AxonInfo axon = n.axon != null ? n.axon : new AxonInfo("0.0.0.0", 0, 0, 0, 0);
                neurons.add(new Neuron(uid, n.hotkey, n.coldkey, SubnetRules.stakeOf(sub, uid), permits[uid],
                        n.lastUpdate, n.incentive, n.dividends, axon));
            }
            return new Metagraph(netuid, blockAt(state), neurons);
        });
    }

    @Override
    public List<Commitment> commitments(int netuid) {
        return read(state -> {
            List<Commitment> out = new ArrayList<>();
            existing(state, netuid).commitments.forEach((hotkey, c) -> out.add(new Commitment(hotkey, c.block, c.data)));
            return out;
        });
    }

    @Override
    public List<Commitment> commitmentsAt(int netuid, long block) {
        return read(state -> {
            long best = blockAt(state);
            if (block < 0 || block > best) {
                throw new ChainException("block " + block + " is not produced yet (best block " + best + ")");
            }
            List<Commitment> out = new ArrayList<>();
            existing(state, netuid).commitments.forEach((hotkey, c) -> {
                if (c.block <= block) {
                    out.add(new Commitment(hotkey, c.block, c.data));
                    return;
                }
                List<ChainState.PastCommitment> past = c.history == null ? List.of() : c.history;
                for (int i = past.size() - 1; i >= 0; i--) {
                    if (past.get(i).block <= block) {
                        out.add(new Commitment(hotkey, past.get(i).block, past.get(i).data));
                        return;
                    }
                }
            });
            return out;
        });
    }

    @Override
    public Optional<Commitment> commitment(int netuid, String hotkeySs58) {
        return read(state -> Optional.ofNullable(existing(state, netuid).commitments.get(hotkeySs58))
                .map(c -> new Commitment(hotkeySs58, c.block, c.data)));
    }

    @Override
    public TxReceipt burnedRegister(int netuid, Sr25519KeyPair coldkey, String hotkeySs58) {
        return submit("burned_register", (state, block) -> {
            int uid = SubnetRules.burnedRegister(state, netuid, coldkey.ss58Address(), hotkeySs58, block);
            log.info("Registered {} as uid {} on local subnet {} at block {}", hotkeySs58, uid, netuid, block);
        });
    }

    @Override
    public TxReceipt serveAxon(int netuid, Sr25519KeyPair hotkey, AxonInfo axon) {
        return submit("serve_axon", (state, block) -> SubnetRules.serveAxon(state, netuid, hotkey.ss58Address(), axon, block));
    }

    @Override
    public TxReceipt setWeights(int netuid, Sr25519KeyPair hotkey, int[] uids, int[] weights, long versionKey) {
        return submit("set_weights", (state, block) ->
                SubnetRules.setWeights(state, netuid, hotkey.ss58Address(), uids, weights, versionKey, block));
    }

    @Override
    public TxReceipt commitWeights(int netuid, Sr25519KeyPair hotkey, byte[] commitHash) {
        return submit("commit_weights", (state, block) ->
                SubnetRules.commitWeights(state, netuid, hotkey.ss58Address(), commitHash, block));
    }

    @Override
    public TxReceipt revealWeights(int netuid, Sr25519KeyPair hotkey, int[] uids, int[] weights, int[] salt, long versionKey) {
        return submit("reveal_weights", (state, block) -> SubnetRules.revealWeights(state, netuid, hotkey.ss58Address(),
                hotkey.publicKey().toBytes(), uids, weights, salt, versionKey, block));
    }

    @Override
    public TxReceipt setCommitment(int netuid, Sr25519KeyPair hotkey, byte[] data) {
        return submit("set_commitment", (state, block) ->
                SubnetRules.setCommitment(state, netuid, hotkey.ss58Address(), data, block));
    }

    /** Nothing to release: every call opens and closes its own files. */
    @Override
    public void close() {}

    // ---- admin (local only) ----

    /** Creates a subnet with the lowest free netuid ≥ 1 and returns it. */
    public int createSubnet(LocalSubnetConfig config) {
        return change(state -> {
            int netuid = 1;
            while (state.subnets.containsKey(netuid)) {
                netuid++;
            }
            addSubnet(state, netuid, config, blockAt(state));
            return netuid;
        });
    }

    /**
     * Creates subnet {@code netuid}.
     *
     * @throws ChainException if it exists already
     */
    public void createSubnet(int netuid, LocalSubnetConfig config) {
        change(state -> {
            if (state.subnets.containsKey(netuid)) {
                throw new ChainException("Local subnet " + netuid + " exists already");
            }
            addSubnet(state, netuid, config, blockAt(state));
            return null;
        });
    }

    private static void addSubnet(ChainState state, int netuid, LocalSubnetConfig config, long block) {
        if (netuid < 1 || netuid > 65535) {
            throw new IllegalArgumentException("netuid must be in [1, 65535], got " + netuid);
        }
        SubnetState sub = new SubnetState();
        sub.config = config;
        sub.lastEpochBlock = block - block % config.tempo();
        state.subnets.put(netuid, sub);
        log.info("Created local subnet {} ({})", netuid, config);
    }

    /** Returns whether subnet {@code netuid} exists. */
    public boolean subnetExists(int netuid) {
        return read(state -> state.subnets.containsKey(netuid));
    }

    /** Returns the local subnet's full configuration. */
    public LocalSubnetConfig subnetConfig(int netuid) {
        return read(state -> existing(state, netuid).config);
    }

    /** Replaces the subnet's hyperparameters; they apply from the current block. */
    public void setHyperparameters(int netuid, LocalSubnetConfig config) {
        change(state -> {
            existing(state, netuid).config = config;
            return null;
        });
    }

    /** Adds {@code rao} to the coldkey's free balance. */
    public void fund(String coldkeySs58, long rao) {
        if (rao < 0) {
            throw new IllegalArgumentException("cannot fund a negative amount: " + rao);
        }
        change(state -> state.balances.merge(coldkeySs58, rao, Math::addExact));
    }

    /** Returns the coldkey's free balance in rao. */
    public long balance(String coldkeySs58) {
        return read(state -> state.balances.getOrDefault(coldkeySs58, 0L));
    }

    /** Sets the stake of {@code hotkeySs58} on the subnet, registered or not; 0 removes it. */
    public void setStake(int netuid, String hotkeySs58, long rao) {
        if (rao < 0) {
            throw new IllegalArgumentException("stake must be non-negative: " + rao);
        }
        change(state -> {
            SubnetState sub = existing(state, netuid);
            if (rao == 0) {
                sub.stake.remove(hotkeySs58);
            } else {
                sub.stake.put(hotkeySs58, rao);
            }
            return null;
        });
    }

    private static SubnetState existing(ChainState state, int netuid) {
        SubnetState sub = state.subnets.get(netuid);
        if (sub == null) {
            throw new ChainException("Local subnet " + netuid + " does not exist");
        }
        return sub;
    }

    @Override
    public String toString() {
        return "LocalChain[" + store.directory() + "]";
    }

    /**
     * Configures a {@link LocalChain}. Genesis settings (block time, dev accounts, balances,
     * subnets) apply only when the folder holds no chain yet; an existing chain keeps its own.
     */
    public static final class Builder {
        private Path directory;
        private Time time = Time.SYSTEM;
        private Duration blockTime;
        private boolean devAccounts = true;
        private final Map<String, Long> balances = new LinkedHashMap<>();
        private final Map<Integer, LocalSubnetConfig> subnets = new TreeMap<>();
        private final Map<Integer, Map<String, Long>> stakes = new TreeMap<>();

        private Builder() {}

        /** Sets the folder holding the state (required; created if missing). */
        public Builder setDirectory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Sets the clock blocks derive from (default: the system clock). */
        public Builder optTime(Time time) {
            this.time = time;
            return this;
        }

        /** Sets the block time of a new chain (default {@link #DEFAULT_BLOCK_TIME}). */
        public Builder optBlockTime(Duration blockTime) {
            if (blockTime.toMillis() < 1) {
                throw new IllegalArgumentException("block time must be at least 1 ms: " + blockTime);
            }
            this.blockTime = blockTime;
            return this;
        }

        /** Whether a new chain funds {@link #DEV_ACCOUNTS} (default true). */
        public Builder optDevAccounts(boolean fund) {
            this.devAccounts = fund;
            return this;
        }

        /** Funds {@code coldkeySs58} with {@code rao} at genesis. */
        public Builder optBalance(String coldkeySs58, long rao) {
            balances.merge(coldkeySs58, rao, Math::addExact);
            return this;
        }

        /** Creates subnet {@code netuid} at genesis. */
        public Builder optSubnet(int netuid, LocalSubnetConfig config) {
            subnets.put(netuid, config);
            return this;
        }

        /** Gives {@code hotkeySs58} {@code rao} of stake on subnet {@code netuid} (created with {@link #optSubnet}) at genesis. */
        public Builder optStake(int netuid, String hotkeySs58, long rao) {
            if (rao < 0) {
                throw new IllegalArgumentException("stake must be non-negative: " + rao);
            }
            stakes.computeIfAbsent(netuid, k -> new LinkedHashMap<>()).put(hotkeySs58, rao);
            return this;
        }

        /** Opens the chain, creating its state on first use. */
        public LocalChain build() {
            if (directory == null) {
                throw new IllegalArgumentException("You must specify the local chain's directory");
            }
            for (int netuid : stakes.keySet()) {
                if (!subnets.containsKey(netuid)) {
                    throw new IllegalArgumentException("optStake names subnet " + netuid + ", which optSubnet does not create");
                }
            }
            return new LocalChain(this);
        }

        ChainState genesisState(long nowMillis) {
            ChainState state = new ChainState();
            state.genesisMillis = nowMillis;
            state.blockTimeMillis = (blockTime == null ? DEFAULT_BLOCK_TIME : blockTime).toMillis();
            state.seed = new byte[32];
            new SecureRandom().nextBytes(state.seed);
            if (devAccounts) {
                for (String uri : DEV_ACCOUNTS) {
                    state.balances.put(Sr25519KeyPair.fromUri(uri).ss58Address(), DEV_ACCOUNT_BALANCE_RAO);
                }
            }
            balances.forEach((k, v) -> state.balances.merge(k, v, Math::addExact));
            subnets.forEach((netuid, cfg) -> addSubnet(state, netuid, cfg, 0));
            stakes.forEach((netuid, byHotkey) -> state.subnets.get(netuid).stake.putAll(byHotkey));
            log.info("Created local chain genesis: block time {} ms", state.blockTimeMillis);
            return state;
        }
    }
}
