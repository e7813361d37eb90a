package io.tensorswarm.averager.merge;

import ai.djl.Device;
import io.tensorswarm.common.data.ByteTokenizer;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A micro GPT base model, real English pages split into train / fit / check sets, two deltas
 * trained on the train pages with different page orders, and a harmful noise delta.
 */
final class MergeFixture {
    final ParameterSet base;
    final List<int[]> trainPages;
    final List<int[]> fitPages;
    final List<int[]> checkPages;
    final ParameterSet trainedA;
    final ParameterSet trainedB;
    final ParameterSet noise;

    private MergeFixture(Path tmp) throws IOException {
        TorchRuntime.configure();
        String text = Files.readString(TestModels.writeEnglishSample(tmp.resolve("english.txt")));
        int[] tokens = new ByteTokenizer().encode(text);
        int len = TestModels.micro().nPositions() + 1;
        List<int[]> pages = new ArrayList<>();
        for (int at = 0; at + len <= tokens.length; at += len) {
            pages.add(Arrays.copyOfRange(tokens, at, at + len));
        }
        trainPages = pages.subList(0, 100);
        fitPages = pages.subList(100, 136);
        checkPages = pages.subList(136, 172);
        try (GptModel model = GptModel.create(TestModels.micro(), 1, Device.cpu())) {
            base = model.parameters();
        }
        trainedA = train(1);
        trainedB = train(2);
        noise = noiseLike(trainedA, 3.0, 99);
    }

    static MergeFixture create(Path tmp) {
        try {
            return new MergeFixture(tmp);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ParameterSet train(long seed) {
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), base, Device.cpu());
                Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(40).withBatchSize(8)
                        .withLearningRate(1e-2).withWarmupSteps(0).withSeed(seed))) {
            trainer.train(trainPages, TrainingListener.NONE);
            return Deltas.compute(model.parameters(), base);
        }
    }

    /** Returns Gaussian noise with the layout of {@code like} and {@code factor} times its norm. */
    static ParameterSet noiseLike(ParameterSet like, double factor, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : like) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            b.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        ParameterSet raw = b.build();
        float scale = (float) (factor * Deltas.l2Norm(like) / Deltas.l2Norm(raw));
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : raw) {
            float[] v = t.toFloats();
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), DeltaMath.apply(new float[v.length], v, scale)));
        }
        return out.build();
    }
}
