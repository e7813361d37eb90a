package io.tensorswarm.miner.run;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a miner publishes an encoded delta, shared by {@code miner run} and {@code miner
 * publish}: sign the manifest (recording the steps and tokens the delta's {@link DeltaMetadata#STEPS}
 * and {@link DeltaMetadata#TOKENS} metadata name, when it names both), commit the delta's binding ({@link CommitmentPayload#forDelta}) in
 * {@code [start(r), deadline(r))}, wait until the chain reaches the round's upload window ({@link
 * RoundClock#uploadOpenBlock}), then upload delta and manifest to the miner's store. Nothing is
 * uploaded before the deadline, so no delta of a round is readable while its commitments are open.
 *
 * <p>Once {@link #commit} has returned, the commitment is public: callers upload even when a stop
 * was requested meanwhile, so the {@link Sleeper} given here must not return early on a stop.
 *
 * <pre>{@code
 * DeltaPublication publication = DeltaPublication.builder().setChain(chain).setHotkey(hotkey)
 *         .setNetuid(netuid).setLocator(locator).setClock(clock).setStore(ownStore).build();
 * DeltaPublication.Committed c = publication.commit(round, baseRevision, encodedDelta);
 * publication.upload(c, () -> {});
 * }</pre>
 */
public final class DeltaPublication {
    private static final Logger log = LoggerFactory.getLogger(DeltaPublication.class);

    private final Chain chain;
    private final Sr25519KeyPair hotkey;
    private final String hotkeySs58;
    private final int netuid;
    private final String locator;
    private final RoundClock clock;
    private final ObjectStore store;
    private final Sleeper sleeper;
    private final Duration pollInterval;

    /**
     * A delta committed on chain for its round, not yet uploaded.
     *
     * @param round the round
     * @param baseRevision the base the delta was computed against, named in the manifest
     * @param codec the delta's codec (from its {@code tensorswarm.codec} metadata)
     * @param deltaFile the encoded delta file
     * @param deltaSha256 SHA-256 hex of the delta file
     * @param deltaBytes the delta file's size
     * @param manifest the signed manifest
     * @param commitBlock the block the commitment landed in
     */
    public record Committed(long round, String baseRevision, String codec, Path deltaFile, String deltaSha256,
            long deltaBytes, DeltaManifest manifest, long commitBlock) {}

    /**
     * A finished upload.
     *
     * @param startBlock the block at which the upload began (at or after the deadline)
     * @param endBlock the block at which it ended
     * @param late whether it ended at or after {@link RoundClock#readableBlock}, when readers may
     *     already have read the round without it
     */
    public record Uploaded(long startBlock, long endBlock, boolean late) {}

    private DeltaPublication(Builder b) {
        this.chain = Objects.requireNonNull(b.chain, "chain");
        this.hotkey = Objects.requireNonNull(b.hotkey, "hotkey");
        this.hotkeySs58 = hotkey.ss58Address();
        this.netuid = b.netuid;
        this.locator = b.locator;
        CommitmentPayload.checkLocator(locator);
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.store = Objects.requireNonNull(b.store, "store");
        this.sleeper = b.sleeper;
        this.pollInterval = b.pollInterval;
    }

    /** Returns a builder; chain, hotkey, netuid, locator, clock and store are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the locator committed on chain (the miner's store). */
    public String locator() {
        return locator;
    }

    /** Returns the SS58 address of the publishing hotkey. */
    public String hotkey() {
        return hotkeySs58;
    }

    /**
     * Signs the manifest of {@code encodedDelta} and commits its binding for {@code round}, waiting
     * first for the round's start when it has not begun (a commitment counts only from then on).
     *
     * @param encodedDelta a delta file written by a codec (its metadata names the codec)
     * @throws DeadlinePassedException when the round's deadline has passed, before or while committing
     * @throws ProtocolException when the file names no known codec
     * @throws ChainException when the chain refuses the commitment or cannot be reached
     * @throws InterruptedException when interrupted while waiting for the round's start
     */
    public Committed commit(long round, String baseRevision, Path encodedDelta) throws InterruptedException {
        String prefix = "r=" + round;
        String sha = Sha256.ofFile(encodedDelta);
        long size;
        SafetensorsHeader header;
        try {
            size = Files.size(encodedDelta);
            header = new SafetensorsReader().readHeader(encodedDelta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the delta " + encodedDelta, e);
        }
        String codec = header.metadata().get(DeltaMetadata.CODEC);
        if (codec == null || !DeltaCodecs.isKnown(codec)) {
            throw new ProtocolException("delta " + encodedDelta + " names no known codec in its "
                    + DeltaMetadata.CODEC + " metadata");
        }
        awaitBlock(clock.startBlock(round), () -> {});
        long block = chain.currentBlock();
        if (!clock.isBeforeDeadline(round, block)) {
            throw new DeadlinePassedException("too late to commit for round " + round + ": block " + block
                    + " is not before its deadline block " + clock.deadlineBlock(round));
        }
        DeltaManifest manifest = DeltaManifest.unsigned(hotkeySs58, netuid, round, baseRevision, codec, sha, size,
                header.size(), block).withTraining(training(header)).sign(new Sr25519ManifestSigner(hotkey));
        byte[] payload = CommitmentPayload.forDelta(netuid, round, hotkeySs58, sha, locator).encode();
        TxReceipt receipt = chain.setCommitment(netuid, hotkey, payload);
        if (!clock.isBeforeDeadline(round, receipt.blockNumber())) {
            throw new DeadlinePassedException("the commitment for round " + round + " landed in block "
                    + receipt.blockNumber() + ", not before the deadline block " + clock.deadlineBlock(round)
                    + "; validators ignore it (nothing uploaded)");
        }
        log.info("{} committed delta {} in block {}; uploading from block {} (the deadline)", prefix, shortHash(sha),
                receipt.blockNumber(), clock.uploadOpenBlock(round));
        return new Committed(round, baseRevision, codec, encodedDelta, sha, size, manifest, receipt.blockNumber());
    }

    /**
     * Returns the steps and tokens the delta's metadata names, or {@code null} when it does not name both
     * as decimal integers (a delta trained elsewhere: its metadata is not kept).
     */
    static DeltaManifest.Training training(SafetensorsHeader header) {
        String steps = header.metadata().get(DeltaMetadata.STEPS);
        String tokens = header.metadata().get(DeltaMetadata.TOKENS);
        if (steps == null || tokens == null || !steps.matches("[0-9]{1,15}") || !tokens.matches("[0-9]{1,15}")) {
            return null;
        }
        return new DeltaManifest.Training(Long.parseLong(steps), Long.parseLong(tokens));
    }

    /**
     * Waits for the round's upload window, then uploads the delta and its manifest. Returns even when
     * the upload ended after the window (logged as a warning): late is better than missing.
     *
     * @param whileWaiting called once per poll while waiting for the window (heartbeats)
     * @throws io.tensorswarm.storage.StorageException when an upload fails
     * @throws InterruptedException when interrupted while waiting
     */
    public Uploaded upload(Committed committed, Runnable whileWaiting) throws InterruptedException {
        long round = committed.round();
        long start = awaitBlock(clock.uploadOpenBlock(round), whileWaiting);
        store.put(PutRequest.ofFile(StorageLayout.deltaKey(round, hotkeySs58), committed.deltaFile()));
        store.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, hotkeySs58), committed.manifest().toJson()));
        long end = blockOr(start);
        boolean late = end >= clock.readableBlock(round);
        if (late) {
            log.warn("r={} the upload ended in block {}, after the upload window closed at block {}; validators may have "
                    + "read the round without this delta", round, end, clock.readableBlock(round));
        }
        log.info("r={} uploaded delta ({} bytes, {}) and manifest to {} in blocks {}-{}", round, committed.deltaBytes(),
                committed.codec(), locator, start, end);
        return new Uploaded(start, end, late);
    }

    /**
     * Waits until the chain reaches {@code target}, polling; an unreachable chain is retried (logged
     * once per outage).
     *
     * @return the block seen at or after {@code target}
     * @throws InterruptedException when interrupted while waiting
     */
    public long awaitBlock(long target, Runnable whileWaiting) throws InterruptedException {
        boolean down = false;
        while (true) {
            try {
                long block = chain.currentBlock();
                if (down) {
                    log.info("the chain answers again (block {})", block);
                    down = false;
                }
                if (block >= target) {
                    return block;
                }
            } catch (ChainException e) {
                if (!down) {
                    log.warn("cannot read the current block while waiting for block {}: {}; retrying every {}", target,
                            e.getMessage(), pollInterval);
                    down = true;
                }
            }
            whileWaiting.run();
            sleeper.sleep(pollInterval.toMillis());
        }
    }

    private long blockOr(long fallback) {
        try {
            return chain.currentBlock();
        } catch (ChainException e) {
            return fallback;
        }
    }

    static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    /** Builds a {@link DeltaPublication}. */
    public static final class Builder {
        private Chain chain;
        private Sr25519KeyPair hotkey;
        private int netuid = -1;
        private String locator;
        private RoundClock clock;
        private ObjectStore store;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Duration pollInterval = Duration.ofSeconds(2);

        private Builder() {}

        public Builder setChain(Chain chain) {
            this.chain = chain;
            return this;
        }

        public Builder setHotkey(Sr25519KeyPair hotkey) {
            this.hotkey = hotkey;
            return this;
        }

        public Builder setNetuid(int netuid) {
            this.netuid = netuid;
            return this;
        }

        /** The miner's store location, committed on chain. */
        public Builder setLocator(String locator) {
            this.locator = locator;
            return this;
        }

        public Builder setClock(RoundClock clock) {
            this.clock = clock;
            return this;
        }

        /** The miner's store, at {@link #setLocator}. */
        public Builder setStore(ObjectStore store) {
            this.store = store;
            return this;
        }

        /** How waits pass (default: the real clock); must not return early on a stop request. */
        public Builder optSleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Wait between chain polls (default: 2 s). */
        public Builder optPollInterval(Duration pollInterval) {
            if (pollInterval.isNegative()) {
                throw new IllegalArgumentException("poll interval must not be negative: " + pollInterval);
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Returns the publication.
         *
         * @throws io.tensorswarm.common.protocol.CommitmentException when the locator cannot be committed
         */
        public DeltaPublication build() {
            if (netuid < 0 || netuid > 0xFFFF) {
                throw new IllegalArgumentException("netuid must be in [0, 65535], got " + netuid);
            }
            return new DeltaPublication(this);
        }
    }
}
