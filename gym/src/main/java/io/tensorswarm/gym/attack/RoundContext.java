package io.tensorswarm.gym.attack;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.GymSettings;
import io.tensorswarm.gym.Identity;
import io.tensorswarm.gym.delta.DeltaFiles;
import io.tensorswarm.gym.delta.GymTrainer;
import io.tensorswarm.gym.net.BaseModels;
import io.tensorswarm.gym.net.PeerDeltas;
import io.tensorswarm.gym.net.PublishResult;
import io.tensorswarm.gym.net.Publisher;
import io.tensorswarm.gym.net.UploadMode;
import io.tensorswarm.storage.ObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one round offers an adversary and the tools it plays with: the round and its clock, its own
 * hotkey(s), the round's base, other miners' readable deltas, the trainer, and {@link #publish}
 * through the real miner CLI.
 */
public final class RoundContext {
    private static final Logger log = LoggerFactory.getLogger(RoundContext.class);

    private final GymSettings settings;
    private final long round;
    private final Chain chain;
    private final Identity self;
    private final Optional<Identity> twin;
    private final BaseModels bases;
    private final BaseModels.Base base;
    private final PeerDeltas peers;
    private final ObjectStore ownStore;
    private final Publisher publisher;
    private final Sleeper sleeper;
    private final Path workDir;
    private final Random random;

    /** Waits; {@code Thread::sleep} in the gym, the chain's mock clock in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** Creates the context of {@code round}, whose base is {@code base}; work files go to {@code workDir}. */
    public RoundContext(GymSettings settings, long round, Chain chain, Identity self, Optional<Identity> twin,
            BaseModels bases, BaseModels.Base base, PeerDeltas peers, ObjectStore ownStore, Publisher publisher,
            Sleeper sleeper, Path workDir) {
        this.settings = settings;
        this.round = round;
        this.chain = chain;
        this.self = self;
        this.twin = twin;
        this.bases = bases;
        this.base = base;
        this.peers = peers;
        this.ownStore = ownStore;
        this.publisher = publisher;
        this.sleeper = sleeper;
        this.workDir = workDir;
        this.random = new Random(round * 1_000_003L + self.ss58().hashCode());
    }

    public GymSettings settings() {
        return settings;
    }

    public long round() {
        return round;
    }

    public RoundClock clock() {
        return settings.clock();
    }

    public Chain chain() {
        return chain;
    }

    public Identity self() {
        return self;
    }

    /** The sybil's second hotkey. */
    public Optional<Identity> twin() {
        return twin;
    }

    public BaseModels bases() {
        return bases;
    }

    /** The round's base (what honest miners train on and validators evaluate against). */
    public BaseModels.Base base() {
        return base;
    }

    public PeerDeltas peers() {
        return peers;
    }

    /** The adversary's own store (its {@code --storage.location}). */
    public ObjectStore ownStore() {
        return ownStore;
    }

    public Publisher publisher() {
        return publisher;
    }

    public Path workDir() {
        return workDir;
    }

    /** A generator seeded by round and hotkey, so a rerun builds the same noise. */
    public Random random() {
        return random;
    }

    /** Returns a trainer with the honest miners' settings. */
    public GymTrainer trainer() {
        return new GymTrainer(settings.train());
    }

    /** Returns the chain's current block. */
    public long block() {
        return chain.currentBlock();
    }

    /** Returns whether a publish may still start (see {@link GymSettings#lastStartBlock}). */
    public boolean canWaitLonger() {
        return block() < settings.lastStartBlock(round);
    }

    /** Sleeps one poll interval. */
    public void pause() throws InterruptedException {
        sleeper.sleep(settings.poll().toMillis());
    }

    /** Sleeps {@code millis}. */
    public void sleep(long millis) throws InterruptedException {
        sleeper.sleep(millis);
    }

    /** Sleeps until the chain reaches {@code target}. */
    public void waitForBlock(long target) throws InterruptedException {
        while (block() < target) {
            pause();
        }
    }

    /** Publishes {@code delta} (F32, labelled) under the adversary's own hotkey. */
    public List<PublishResult> publish(ParameterSet delta, UploadMode upload) throws InterruptedException {
        return publish(delta, upload, List.of(self));
    }

    /**
     * Writes {@code delta} (F32, labelled with its base) and publishes it under each of {@code as}
     * at the same moment, waiting for every run (an {@code after-deadline} upload ends in the
     * round's upload window). Publishes nothing when the deadline is too close to commit.
     */
    public List<PublishResult> publish(ParameterSet delta, UploadMode upload, List<Identity> as)
            throws InterruptedException {
        long block = block();
        if (block >= clock().deadlineBlock(round) - 1) {
            log.warn("r={} block {} is too close to the deadline {} to commit; publishing nothing", round, block,
                    clock().deadlineBlock(round));
            return List.of();
        }
        Path file = DeltaFiles.write(delta, workDir.resolve("delta.safetensors"));
        return publisher.publish(round, file, upload, as, base);
    }
}
