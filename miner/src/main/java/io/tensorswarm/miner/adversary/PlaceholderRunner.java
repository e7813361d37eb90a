package io.tensorswarm.miner.adversary;

import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.miner.run.TrainingOutcome;
import io.tensorswarm.miner.run.TrainingRunner;
import io.tensorswarm.miner.run.TrainingWatch;
import io.tensorswarm.miner.worker.TrainJob;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lazy miner's "training": writes a one-element placeholder delta (so there is a hash to
 * commit) without touching the model. Paired with {@link DiscardingStore}, nothing is uploaded.
 */
final class PlaceholderRunner implements TrainingRunner {
    private static final Logger log = LoggerFactory.getLogger(PlaceholderRunner.class);

    @Override
    public TrainingOutcome train(TrainJob job, TrainingWatch watch) {
        String logPrefix = watch.logPrefix();
        ParameterSet placeholder = ParameterSet.builder()
                .add(NamedTensor.ofFloats("placeholder", new long[] {1}, new float[] {(float) job.round()}))
                .build();
        try {
            Files.createDirectories(job.out().toAbsolutePath().getParent());
            new SafetensorsWriter().write(placeholder, job.out());
        } catch (IOException e) {
            log.warn("{} cannot write the placeholder delta: {}", logPrefix, e.toString());
            return TrainingOutcome.FAILED;
        }
        log.info("{} [adversary lazy] skipped training; committing a placeholder and uploading nothing", logPrefix);
        return TrainingOutcome.DONE;
    }
}
