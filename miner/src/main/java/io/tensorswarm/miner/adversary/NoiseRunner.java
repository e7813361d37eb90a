package io.tensorswarm.miner.adversary;

import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.miner.run.TrainingOutcome;
import io.tensorswarm.miner.run.TrainingRunner;
import io.tensorswarm.miner.run.TrainingWatch;
import io.tensorswarm.miner.worker.TrainJob;
import java.io.IOException;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The noise miner: trains like an honest miner (so its delta has a realistic size), then replaces
 * each tensor with Gaussian noise of the same L2 norm, encoded with the same codec.
 */
final class NoiseRunner implements TrainingRunner {
    private static final Logger log = LoggerFactory.getLogger(NoiseRunner.class);

    private final TrainingRunner honest;

    NoiseRunner(TrainingRunner honest) {
        this.honest = honest;
    }

    @Override
    public TrainingOutcome train(TrainJob job, TrainingWatch watch) {
        String logPrefix = watch.logPrefix();
        TrainingOutcome outcome = honest.train(job, watch);
        if (outcome != TrainingOutcome.DONE) {
            return outcome;
        }
        try {
            SafetensorsReader reader = new SafetensorsReader();
            ParameterSet stored = reader.read(job.out());
            ParameterSet layout = reader.read(job.baseDir().resolve(ModelDirectory.WEIGHTS_FILE));
            ParameterSet trained = DeltaCodecs.forStored(stored).decode(stored, layout);
            ParameterSet noise = noiseLike(trained, new Random(job.round() * 31 + job.hotkey().hashCode()));
            ParameterSet tagged = noise.toBuilder()
                    .putMetadata(DeltaMetadata.FORMAT, "pt")
                    .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                    .putMetadata(DeltaMetadata.BASE_REVISION, job.baseRevision())
                    .build();
            DeltaCodec codec = DeltaCodecs.forName(job.codec());
            new SafetensorsWriter().write(codec.encode(tagged), job.out());
        } catch (IOException | RuntimeException e) {
            log.warn("{} [adversary noise] cannot replace the delta with noise: {}", logPrefix, e.toString());
            return TrainingOutcome.FAILED;
        }
        log.info("{} [adversary noise] replaced the trained delta with noise of the same per-tensor norm", logPrefix);
        return TrainingOutcome.DONE;
    }

    /** Returns F32 tensors with the names and shapes of {@code delta}, Gaussian values, each with the same L2 norm. */
    static ParameterSet noiseLike(ParameterSet delta, Random random) {
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : delta) {
            float[] values = t.toFloats();
            double norm = 0;
            for (float v : values) {
                norm += (double) v * v;
            }
            norm = Math.sqrt(norm);
            float[] noise = new float[values.length];
            if (norm == 0) {
                out.add(NamedTensor.ofFloats(t.name(), t.shape(), noise));
                continue;
            }
            double noiseNorm = 0;
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) random.nextGaussian();
                noiseNorm += (double) noise[i] * noise[i];
            }
            double scale = noiseNorm == 0 ? 0 : norm / Math.sqrt(noiseNorm);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (noise[i] * scale);
            }
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), noise));
        }
        return out.build();
    }
}
