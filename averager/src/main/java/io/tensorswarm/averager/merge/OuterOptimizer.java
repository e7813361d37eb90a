package io.tensorswarm.averager.merge;

import io.tensorswarm.common.safetensors.SafetensorsException;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DeltaMismatchException;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The DiLoCo outer optimizer: SGD with Nesterov momentum on the pseudo-gradient, exactly as
 * PyTorch's {@code SGD(nesterov=True, dampening=0)} writes it:
 *
 * <pre>
 *   g     = -Σ α_i δ_i                 (pseudo-gradient: minus the mixed delta)
 *   v'    = μ v + g                    (velocity; v = 0 before the first step)
 *   θ'    = θ - lr (g + μ v')
 * </pre>
 *
 * with DiLoCo's defaults {@code lr = 0.7}, {@code μ = 0.9}. On the first step this moves {@code
 * 1.33 ×} the mixed delta. All arithmetic is element-wise IEEE float on the host in a fixed order,
 * so the same inputs give bit-identical weights on every machine.
 *
 * <p>{@link #propose} is pure: it returns the new weights and velocity without changing the
 * optimizer, so a merge that fails its loss check leaves the momentum untouched. {@link #accept}
 * adopts a proposal's velocity; {@link #save} persists it atomically as safetensors (names and
 * shapes of the base, F32, metadata {@code outer_steps}), and {@link #load} restores it after a
 * restart. Not thread-safe.
 *
 * <pre>{@code
 * OuterOptimizer outer = OuterOptimizer.load(state.resolve("outer-momentum.safetensors"), base, 0.7f, 0.9f);
 * OuterOptimizer.Step step = outer.propose(base, pseudoGradient);
 * if (accepted) { outer.accept(step); outer.save(state.resolve("outer-momentum.safetensors")); }
 * }</pre>
 */
public final class OuterOptimizer {
    /** DiLoCo's outer learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 0.7f;
    /** DiLoCo's outer Nesterov momentum. */
    public static final float DEFAULT_MOMENTUM = 0.9f;

    static final String STEPS_KEY = "outer_steps";

    private final float learningRate;
    private final float momentum;
    private ParameterSet velocity; // null until the first accepted step
    private long steps;

    /**
     * Returns a proposed outer step.
     *
     * @param weights the new weights {@code θ'}, in the base's dtypes and with its metadata
     * @param velocity the velocity {@code v'} after this step (F32)
     * @param steps the number of outer steps taken once this one is accepted
     */
    public record Step(ParameterSet weights, ParameterSet velocity, long steps) {}

    /**
     * Creates an optimizer with zero velocity.
     *
     * @throws IllegalArgumentException when {@code learningRate} is not positive or {@code
     *     momentum} is outside [0, 1)
     */
    public OuterOptimizer(float learningRate, float momentum) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("outer learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("outer momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    /**
     * Returns an optimizer with the velocity stored in {@code file}, or zero velocity when there is
     * no such file.
     *
     * @throws MergeStateException when the file is unreadable, malformed, or does not fit {@code base}
     */
    public static OuterOptimizer load(Path file, ParameterSet base, float learningRate, float momentum) {
        OuterOptimizer o = new OuterOptimizer(learningRate, momentum);
        if (!Files.exists(file)) {
            return o;
        }
        ParameterSet v;
        try {
            v = new SafetensorsReader().read(file);
        } catch (IOException | SafetensorsException e) {
            throw new MergeStateException("cannot read outer momentum file " + file + ": " + e.getMessage(), e);
        }
        try {
            Deltas.requireSameLayout(base, v, "momentum file", false);
        } catch (DeltaMismatchException e) {
            throw new MergeStateException("outer momentum file " + file + " does not fit the base model: "
                    + e.getMessage(), e);
        }
        String steps = v.metadata().get(STEPS_KEY);
        try {
            o.steps = steps == null ? 0 : Long.parseLong(steps);
        } catch (NumberFormatException e) {
            throw new MergeStateException("outer momentum file " + file + " has a malformed " + STEPS_KEY
                    + " value: " + steps);
        }
        o.velocity = v;
        return o;
    }

    public float learningRate() {
        return learningRate;
    }

    public float momentum() {
        return momentum;
    }

    /** Returns the number of accepted outer steps. */
    public long steps() {
        return steps;
    }

    /** Returns the current velocity, or {@code null} (meaning zeros) before the first accepted step. */
    public ParameterSet velocity() {
        return velocity;
    }

    /**
     * Returns the outer step from {@code base} along {@code pseudoGradient}, without changing this
     * optimizer.
     *
     * @throws DeltaMismatchException when the pseudo-gradient or the velocity does not fit the base
     */
    public Step propose(ParameterSet base, ParameterSet pseudoGradient) {
        Deltas.requireSameLayout(base, pseudoGradient, "pseudo-gradient", false);
        if (velocity != null) {
            Deltas.requireSameLayout(base, velocity, "velocity", false);
        }
        ParameterSet.Builder newVelocity = ParameterSet.builder().putMetadata(STEPS_KEY, Long.toString(steps + 1));
        ParameterSet.Builder update = ParameterSet.builder();
        float mu = momentum;
        for (NamedTensor b : base) {
            float[] g = pseudoGradient.require(b.name()).toFloats();
            float[] v = velocity == null ? new float[g.length] : velocity.require(b.name()).toFloats();
            float[] u = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                v[i] = mu * v[i] + g[i];
                u[i] = g[i] + mu * v[i];
            }
            newVelocity.add(NamedTensor.ofFloats(b.name(), b.shape(), v));
            update.add(NamedTensor.ofFloats(b.name(), b.shape(), u));
        }
        // base + (-lr) * u is bit-identical to base - lr * u: negation is exact.
        ParameterSet weights = Deltas.apply(base, update.build(), -learningRate);
        return new Step(weights, newVelocity.build(), steps + 1);
    }

    /** Adopts a proposal's velocity and step count. */
    public void accept(Step step) {
        this.velocity = Objects.requireNonNull(step, "step").velocity();
        this.steps = step.steps();
    }

    /**
     * Writes the velocity to {@code file} atomically (nothing is written before the first accepted
     * step).
     *
     * @throws MergeStateException when the file cannot be written
     */
    public void save(Path file) {
        if (velocity == null) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            new SafetensorsWriter().write(velocity.toBuilder().putMetadata(STEPS_KEY, Long.toString(steps)).build(),
                    file);
        } catch (IOException e) {
            throw new MergeStateException("cannot write outer momentum file " + file + ": " + e.getMessage(), e);
        }
    }
}
