package io.tensorswarm.miner.adversary;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.miner.run.Sleeper;
import io.tensorswarm.miner.run.TrainingOutcome;
import io.tensorswarm.miner.run.TrainingRunner;
import io.tensorswarm.miner.run.TrainingWatch;
import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copier's "training": polls the chain until another hotkey has committed a delta for the job's
 * round and that delta can be downloaded (with the committed SHA-256) from the committed locator,
 * then writes those bytes as its own delta. Commitments are tried earliest first; one whose delta is
 * missing is retried on the next poll. Gives up at the deadline.
 */
final class CopyingRunner implements TrainingRunner {
    private static final Logger log = LoggerFactory.getLogger(CopyingRunner.class);
    private static final long MAX_DELTA_BYTES = 1L << 30;

    private final Chain chain;
    private final int netuid;
    private final StorageOptions storage;
    private final Sleeper sleeper;
    private final Duration poll;

    CopyingRunner(Chain chain, int netuid, StorageOptions storage, Sleeper sleeper, Duration poll) {
        this.chain = chain;
        this.netuid = netuid;
        this.storage = storage;
        this.sleeper = sleeper;
        this.poll = poll;
    }

    @Override
    public TrainingOutcome train(TrainJob job, TrainingWatch watch) {
        String logPrefix = watch.logPrefix();
        Set<String> reported = new HashSet<>();
        while (!watch.pastDeadline()) {
            if (watch.stopRequested()) {
                return TrainingOutcome.STOPPED;
            }
            for (Commitment c : othersThisRound(job)) {
                if (copy(job, c, logPrefix, reported)) {
                    return TrainingOutcome.DONE;
                }
            }
            try {
                sleeper.sleep(poll.toMillis());
                if (watch.stopRequested()) {
                    return TrainingOutcome.STOPPED;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return TrainingOutcome.FAILED;
            }
        }
        return TrainingOutcome.DEADLINE;
    }

    private List<Commitment> othersThisRound(TrainJob job) {
        return chain.commitments(netuid).stream()
                .filter(c -> !c.hotkey().equals(job.hotkey()))
                .filter(c -> payload(c).map(p -> p.round() == job.round()).orElse(false))
                .sorted(Comparator.comparingLong(Commitment::block).thenComparing(Commitment::hotkey))
                .toList();
    }

    private boolean copy(TrainJob job, Commitment victim, String logPrefix, Set<String> reported) {
        CommitmentPayload payload = payload(victim).orElseThrow();
        String key = StorageLayout.deltaKey(job.round(), victim.hotkey());
        try (ObjectStore store = ObjectStores.open(payload.locator(), storage)) {
            if (store.stat(key).isEmpty()) {
                return false;
            }
            Files.createDirectories(job.out().toAbsolutePath().getParent());
            store.get(GetRequest.builder().setKey(key).optMaxBytes(MAX_DELTA_BYTES).build(), job.out());
            log.info("{} [adversary copier] copied the delta of {} (committed in block {})", logPrefix, victim.hotkey(),
                    victim.block());
            return true;
        } catch (TensorswarmException | IOException e) {
            if (reported.add(victim.hotkey())) {
                log.info("{} [adversary copier] cannot copy {} yet: {}", logPrefix, victim.hotkey(), e.getMessage());
            }
            return false;
        }
    }

    private static Optional<CommitmentPayload> payload(Commitment c) {
        try {
            return Optional.of(CommitmentPayload.parse(c.data()));
        } catch (TensorswarmException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
