package io.tensorswarm.gym;

import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.attack.AdversaryKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one gym process needs, fixed at start: which adversary it plays, who it is on chain,
 * where the subnet's stores are, the round clock, how it may train, and how it runs the real miner
 * CLI ({@code java -jar miner.jar}) to publish. Built with {@link #builder()}.
 */
public final class GymSettings {
    private final AdversaryKind kind;
    private final int netuid;
    private final WalletPaths wallet;
    private final WalletPaths twinWallet;
    private final List<String> chainFlags;
    private final String storageLocation;
    private final String baseLocation;
    private final RoundClock clock;
    private final Path stateDir;
    private final List<String> targets;
    private final long commitLeadBlocks;
    private final Path minerJar;
    private final List<String> minerJvmArgs;
    private final String codec;
    private final TrainSettings train;
    private final double noisyCosine;
    private final int replayAge;
    private final long rounds;
    private final Duration poll;

    private GymSettings(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.netuid = b.netuid;
        this.wallet = Objects.requireNonNull(b.wallet, "wallet");
        this.twinWallet = b.twinWallet;
        this.chainFlags = List.copyOf(b.chainFlags);
        this.storageLocation = Objects.requireNonNull(b.storageLocation, "storageLocation");
        this.baseLocation = Objects.requireNonNull(b.baseLocation, "baseLocation");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.stateDir = Objects.requireNonNull(b.stateDir, "stateDir");
        this.targets = List.copyOf(b.targets);
        this.commitLeadBlocks = b.commitLeadBlocks;
        this.minerJar = Objects.requireNonNull(b.minerJar, "minerJar");
        this.minerJvmArgs = List.copyOf(b.minerJvmArgs);
        this.codec = Objects.requireNonNull(b.codec, "codec");
        this.train = Objects.requireNonNull(b.train, "train");
        this.noisyCosine = b.noisyCosine;
        this.replayAge = b.replayAge;
        this.rounds = b.rounds;
        this.poll = Objects.requireNonNull(b.poll, "poll");
        if (kind.needsTwin() && twinWallet == null) {
            throw new IllegalArgumentException("the " + kind.flagValue() + " adversary needs a second wallet");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public AdversaryKind kind() {
        return kind;
    }

    public int netuid() {
        return netuid;
    }

    /** The adversary's own wallet (its registered hotkey). */
    public WalletPaths wallet() {
        return wallet;
    }

    /** The sybil's second registered hotkey, when the kind has one. */
    public Optional<WalletPaths> twinWallet() {
        return Optional.ofNullable(twinWallet);
    }

    /** The chain flags as given, passed on unchanged to every miner CLI child. */
    public List<String> chainFlags() {
        return chainFlags;
    }

    public String storageLocation() {
        return storageLocation;
    }

    public String baseLocation() {
        return baseLocation;
    }

    public RoundClock clock() {
        return clock;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Hotkeys whose deltas the adversary prefers to read (empty: every other committer, by incentive). */
    public List<String> targets() {
        return targets;
    }

    /**
     * How many blocks before the deadline the adversary stops waiting for a same-round delta and
     * starts its publish: the miner CLI needs a few blocks to start and commit.
     */
    public long commitLeadBlocks() {
        return commitLeadBlocks;
    }

    public Path minerJar() {
        return minerJar;
    }

    public List<String> minerJvmArgs() {
        return minerJvmArgs;
    }

    /** The codec {@code miner publish} encodes with. */
    public String codec() {
        return codec;
    }

    public TrainSettings train() {
        return train;
    }

    /** The noisy copier's cosine to its source. */
    public double noisyCosine() {
        return noisyCosine;
    }

    /** How many rounds back the replayer reaches. */
    public int replayAge() {
        return replayAge;
    }

    /** Rounds to play, then exit; 0 = forever. */
    public long rounds() {
        return rounds;
    }

    public Duration poll() {
        return poll;
    }

    /** The last block in which the adversary may still start a publish for {@code round}. */
    public long lastStartBlock(long round) {
        return clock.deadlineBlock(round) - commitLeadBlocks;
    }

    /**
     * How an adversary that trains does it (the stale miner, the fine-tune copier): the same data,
     * page count and optimizer settings as the honest miners.
     *
     * @param data the training text (file or folder)
     * @param textField JSON field / Parquet column holding the text
     * @param tokenCache tokenized data cache, or null
     * @param device cpu, cuda or cuda:N
     * @param pages assigned pages per round
     * @param steps optimizer steps of a full training (the stale miner)
     * @param finetuneSteps optimizer steps the fine-tune copier adds to a copied delta
     * @param batchSize pages per step
     * @param learningRate peak learning rate
     */
    public record TrainSettings(Path data, String textField, Path tokenCache, String device, int pages, int steps,
            int finetuneSteps, int batchSize, double learningRate) {
        public TrainSettings {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(textField, "textField");
            Objects.requireNonNull(device, "device");
            if (pages < 1 || steps < 1 || finetuneSteps < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("pages, steps, finetune steps, batch size and learning rate must be positive");
            }
        }
    }

    /** Builds {@link GymSettings}. */
    public static final class Builder {
        private AdversaryKind kind;
        private int netuid;
        private WalletPaths wallet;
        private WalletPaths twinWallet;
        private List<String> chainFlags = List.of();
        private String storageLocation;
        private String baseLocation;
        private RoundClock clock;
        private Path stateDir;
        private List<String> targets = List.of();
        private long commitLeadBlocks;
        private Path minerJar;
        private List<String> minerJvmArgs = List.of();
        private String codec = io.tensorswarm.common.protocol.DeltaCodecs.DEFAULT;
        private TrainSettings train;
        private double noisyCosine = 0.8;
        private int replayAge = 2;
        private long rounds;
        private Duration poll = Duration.ofSeconds(1);

        private Builder() {}

        public Builder setKind(AdversaryKind kind) {
            this.kind = kind;
            return this;
        }

        public Builder setNetuid(int netuid) {
            this.netuid = netuid;
            return this;
        }

        public Builder setWallet(WalletPaths wallet) {
            this.wallet = wallet;
            return this;
        }

        public Builder optTwinWallet(WalletPaths twinWallet) {
            this.twinWallet = twinWallet;
            return this;
        }

        public Builder setChainFlags(List<String> chainFlags) {
            this.chainFlags = chainFlags;
            return this;
        }

        public Builder setStorageLocation(String storageLocation) {
            this.storageLocation = storageLocation;
            return this;
        }

        public Builder setBaseLocation(String baseLocation) {
            this.baseLocation = baseLocation;
            return this;
        }

        public Builder setClock(RoundClock clock) {
            this.clock = clock;
            return this;
        }

        public Builder setStateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        public Builder optTargets(List<String> targets) {
            this.targets = targets;
            return this;
        }

        public Builder setCommitLeadBlocks(long commitLeadBlocks) {
            this.commitLeadBlocks = commitLeadBlocks;
            return this;
        }

        public Builder setMinerJar(Path minerJar) {
            this.minerJar = minerJar;
            return this;
        }

        public Builder optMinerJvmArgs(List<String> minerJvmArgs) {
            this.minerJvmArgs = minerJvmArgs;
            return this;
        }

        public Builder optCodec(String codec) {
            this.codec = codec;
            return this;
        }

        public Builder setTrain(TrainSettings train) {
            this.train = train;
            return this;
        }

        public Builder optNoisyCosine(double noisyCosine) {
            this.noisyCosine = noisyCosine;
            return this;
        }

        public Builder optReplayAge(int replayAge) {
            this.replayAge = replayAge;
            return this;
        }

        public Builder optRounds(long rounds) {
            this.rounds = rounds;
            return this;
        }

        public Builder optPoll(Duration poll) {
            this.poll = poll;
            return this;
        }

        public GymSettings build() {
            return new GymSettings(this);
        }
    }
}
