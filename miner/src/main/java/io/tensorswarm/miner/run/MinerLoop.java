package io.tensorswarm.miner.run;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's round loop. For each round it joins in time: read {@code latest} from the base store
 * (waiting while there is none), fetch and verify the base, train the assigned pages through the
 * {@link TrainingRunner}, encode, sign the manifest, set the on-chain commitment first and only then
 * upload delta and manifest to the miner's store, all before the round's deadline; then wait for the
 * next round. A round that fails is logged and the loop moves on to the next one.
 */
public final class MinerLoop {
    private static final Logger log = LoggerFactory.getLogger(MinerLoop.class);

    private final MinerSettings settings;
    private final Chain chain;
    private final Sr25519KeyPair hotkey;
    private final String hotkeySs58;
    private final BaseModelCache baseModels;
    private final ObjectStore ownStore;
    private final TrainingRunner runner;
    private final Sleeper sleeper;
    private final RoundClock clock;

    /**
     * Creates the loop.
     *
     * @param baseStore where {@code latest} and the base models live (the averager's store)
     * @param ownStore where this miner publishes (its {@code settings.locator()})
     */
    public MinerLoop(MinerSettings settings, Chain chain, Sr25519KeyPair hotkey, ObjectStore baseStore,
            ObjectStore ownStore, TrainingRunner runner, Sleeper sleeper) {
        this.settings = settings;
        this.chain = chain;
        this.hotkey = hotkey;
        this.hotkeySs58 = hotkey.ss58Address();
        this.baseModels = new BaseModelCache(baseStore, settings.modelCacheDir(), settings.maxModelBytes());
        this.ownStore = ownStore;
        this.runner = runner;
        this.sleeper = sleeper;
        this.clock = settings.clock();
    }

    /**
     * Handles rounds until {@link MinerSettings#maxRounds()} have ended (forever when 0) and returns
     * what happened in each.
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public List<RoundResult> run() throws InterruptedException {
        List<RoundResult> results = new ArrayList<>();
        long lastRound = -1;
        long waitingLoggedFor = -1;
        while (settings.maxRounds() == 0 || results.size() < settings.maxRounds()) {
            long block = chain.currentBlock();
            long round = clock.roundOf(block);
            if (round == lastRound) {
                waitForBlock(clock.startBlock(round + 1));
                continue;
            }
            if (!clock.isInSubmissionWindow(round, block)) {
                log.info("{} too late to take part: block {} is not before the deadline {}; skipping the round",
                        prefix(round), block, clock.deadlineBlock(round));
                results.add(new RoundResult(round, RoundResult.Outcome.TOO_LATE));
                lastRound = round;
                continue;
            }
            Optional<LatestPointer> latest = readLatest(round);
            if (latest.isEmpty()) {
                if (waitingLoggedFor != round) {
                    log.info("{} no base model yet (no '{}' in the base store); waiting", prefix(round), StorageLayout.LATEST);
                    waitingLoggedFor = round;
                }
                sleeper.sleep(settings.pollInterval().toMillis());
                continue;
            }
            RoundResult result = new RoundResult(round, runRound(round, latest.get().revision()));
            results.add(result);
            lastRound = round;
        }
        return results;
    }

    private Optional<LatestPointer> readLatest(long round) {
        try {
            return baseModels.latest();
        } catch (TensorswarmException e) {
            log.warn("{} cannot read '{}' from the base store: {}", prefix(round), StorageLayout.LATEST, e.getMessage());
            return Optional.empty();
        }
    }

    private RoundResult.Outcome runRound(long round, String revision) {
        String prefix = prefix(round);
        Path baseDir;
        try {
            baseDir = baseModels.fetch(revision);
        } catch (BaseModelMismatchException e) {
            log.warn("{} {}", prefix, e.getMessage());
            return RoundResult.Outcome.BASE_REJECTED;
        } catch (TensorswarmException e) {
            log.warn("{} cannot fetch base model {}: {}", prefix, shortHash(revision), e.getMessage());
            return RoundResult.Outcome.FAILED;
        }
        Path work = settings.workDir(round);
        try {
            Files.createDirectories(work);
            TrainJob job = job(round, revision, baseDir, work);
            log.info("{} training base {} for {} steps on {} pages", prefix, shortHash(revision), settings.steps(),
                    settings.pages());
            TrainingOutcome trained = runner.train(job, prefix, () -> pastDeadline(round));
            if (trained == TrainingOutcome.DEADLINE) {
                log.warn("{} training did not finish before the deadline block {}; skipping the round", prefix,
                        clock.deadlineBlock(round));
                return RoundResult.Outcome.TOO_LATE;
            }
            if (trained == TrainingOutcome.FAILED) {
                return RoundResult.Outcome.FAILED;
            }
            RoundResult.Outcome outcome = publish(round, revision, job.out());
            if (outcome == RoundResult.Outcome.PUBLISHED && job.usesErrorFeedback()) {
                Files.move(job.residualOut(), job.residualIn(), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            return outcome;
        } catch (IOException | UncheckedIOException | TensorswarmException e) {
            log.warn("{} round failed: {}", prefix, e.getMessage());
            return RoundResult.Outcome.FAILED;
        } finally {
            deleteQuietly(work);
        }
    }

    private RoundResult.Outcome publish(long round, String revision, Path delta) throws IOException {
        String prefix = prefix(round);
        String sha = Sha256.ofFile(delta);
        long size = Files.size(delta);
        int tensorCount = new SafetensorsReader().readHeader(delta).entries().size();
        long block = chain.currentBlock();
        if (!clock.isBeforeDeadline(round, block)) {
            log.warn("{} too late to commit: block {} is not before the deadline {}; skipping the round", prefix, block,
                    clock.deadlineBlock(round));
            return RoundResult.Outcome.TOO_LATE;
        }
        DeltaManifest manifest = DeltaManifest.unsigned(hotkeySs58, settings.netuid(), round, revision, settings.codec(),
                sha, size, tensorCount, block).sign(new Sr25519ManifestSigner(hotkey));
        byte[] payload = new CommitmentPayload(round, sha, settings.locator()).encode();
        TxReceipt receipt = chain.setCommitment(settings.netuid(), hotkey, payload);
        log.info("{} committed delta {} in block {}", prefix, shortHash(sha), receipt.blockNumber());
        if (!clock.isBeforeDeadline(round, receipt.blockNumber())) {
            log.warn("{} the commitment landed in block {}, not before the deadline {}; validators will ignore it",
                    prefix, receipt.blockNumber(), clock.deadlineBlock(round));
        }
        ownStore.put(PutRequest.ofFile(StorageLayout.deltaKey(round, hotkeySs58), delta));
        ownStore.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, hotkeySs58), manifest.toJson()));
        log.info("{} uploaded delta ({} bytes, {}) and manifest to {}", prefix, size, settings.codec(), settings.locator());
        return RoundResult.Outcome.PUBLISHED;
    }

    private TrainJob job(long round, String revision, Path baseDir, Path work) {
        Path residual = settings.usesErrorFeedback() ? settings.stateDir().resolve(MinerSettings.RESIDUAL_FILE) : null;
        return new TrainJob(baseDir, revision, settings.data(), settings.textField(), settings.tokenCache(),
                settings.device(), round, hotkeySs58, settings.pages(), settings.steps(), settings.batchSize(),
                settings.learningRate(), settings.codec(), residual, residual == null ? null : work.resolve("residual.safetensors"),
                work.resolve("delta.safetensors"));
    }

    private boolean pastDeadline(long round) {
        return !clock.isBeforeDeadline(round, chain.currentBlock());
    }

    private void waitForBlock(long target) throws InterruptedException {
        while (chain.currentBlock() < target) {
            sleeper.sleep(settings.pollInterval().toMillis());
        }
    }

    private String prefix(long round) {
        String key = hotkeySs58.length() > 8 ? hotkeySs58.substring(0, 4) + "…" + hotkeySs58.substring(hotkeySs58.length() - 3)
                : hotkeySs58;
        return "[miner " + key + " netuid=" + settings.netuid() + " r=" + round + "]";
    }

    private static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("cannot clean {}: {}", root, e.toString());
        }
    }
}
