package io.tensorswarm.gym;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.attack.Adversary;
import io.tensorswarm.gym.attack.RoundAction;
import io.tensorswarm.gym.attack.RoundContext;
import io.tensorswarm.gym.net.BaseModels;
import io.tensorswarm.gym.net.MinerCliPublisher;
import io.tensorswarm.gym.net.PeerDeltas;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Round after round, like a miner daemon: waits for a round it can still commit in, finds the
 * round's base, lets the adversary play, and journals what it did. A failing round is logged and
 * journalled, and the next one is played.
 */
public final class GymLoop {
    private static final Logger log = LoggerFactory.getLogger(GymLoop.class);

    private final GymSettings settings;
    private final Chain chain;
    private final Adversary adversary;
    private final Identity self;
    private final Optional<Identity> twin;
    private final BaseModels bases;
    private final PeerDeltas peers;
    private final ObjectStore ownStore;
    private final MinerCliPublisher publisher;
    private final Journal journal;

    public GymLoop(GymSettings settings, Chain chain, Identity self, Optional<Identity> twin, BaseModels bases,
            PeerDeltas peers, ObjectStore ownStore) {
        this.settings = settings;
        this.chain = chain;
        this.adversary = settings.kind().create();
        this.self = self;
        this.twin = twin;
        this.bases = bases;
        this.peers = peers;
        this.ownStore = ownStore;
        this.publisher = new MinerCliPublisher(settings, chain, bases);
        this.journal = new Journal(settings.stateDir());
    }

    /** Plays {@link GymSettings#rounds()} rounds (forever when 0) and returns how many it played. */
    public long run() throws InterruptedException {
        long played = 0;
        long last = -1;
        long waitingFor = -1;
        while (settings.rounds() == 0 || played < settings.rounds()) {
            try {
                long round = nextRound(chain.currentBlock(), last);
                if (round < 0) {
                    pause();
                    continue;
                }
                Optional<LatestPointer> base = bases.forRound(round);
                if (base.isEmpty()) {
                    if (waitingFor != round) {
                        log.info("r={} no base in {} yet; waiting", round, settings.baseLocation());
                        waitingFor = round;
                    }
                    pause();
                    continue;
                }
                playRound(round, base.get());
                last = round;
                played++;
            } catch (ChainException | TensorswarmException | UncheckedIOException e) {
                log.warn("cannot prepare a round: {}", e.getMessage());
                pause();
            }
        }
        return played;
    }

    /**
     * Returns the round to play at {@code block}: the current one while a commit is still possible,
     * or the next one once the adversary may prepare for it ({@link Adversary#playFrom}); -1 when
     * neither (or it was played already).
     */
    private long nextRound(long block, long last) {
        RoundClock clock = settings.clock();
        long current = clock.roundOf(block);
        if (current > last && block < clock.deadlineBlock(current) - 1 && block >= adversary.playFrom(clock, current)) {
            return current;
        }
        long next = current + 1;
        if (next > last && block >= adversary.playFrom(clock, next)) {
            return next;
        }
        return -1;
    }

    private void playRound(long round, LatestPointer pointer) throws InterruptedException {
        Path work = settings.stateDir().resolve("work").resolve(Long.toString(round));
        RoundAction action;
        try {
            BaseModels.Base base = bases.fetch(pointer.revision());
            Files.createDirectories(work);
            RoundContext ctx = new RoundContext(settings, round, chain, self, twin, bases, base, peers, ownStore, publisher,
                    Thread::sleep, work);
            action = adversary.play(ctx);
        } catch (IOException | RuntimeException e) {
            log.warn("r={} the {} adversary failed: {}", round, settings.kind().flagValue(), e.toString());
            action = RoundAction.skipped("failed: " + e.getMessage());
        } finally {
            deleteQuietly(work);
            deleteQuietly(downloads());
        }
        log.info("r={} [{}] {}", round, settings.kind().flagValue(), action.summary());
        journal.write(round, settings.kind(), self, action);
    }

    /** Where {@link PeerDeltas} puts what it reads; emptied after every round. */
    Path downloads() {
        return downloadsDir(settings);
    }

    /** Returns the download folder of a gym with {@code settings}. */
    public static Path downloadsDir(GymSettings settings) {
        return settings.stateDir().resolve("downloads");
    }

    private void pause() throws InterruptedException {
        Thread.sleep(settings.poll().toMillis());
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.debug("cannot clean {}: {}", root, e.toString());
        }
    }
}
