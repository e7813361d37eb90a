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
import java.util.function.Function;

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
 * with DiLoCo's defaults {@code lr = 0.7}, {@code μ = 0.9}, kept after the swarm benchmark's sweep
 * (docs/averager.md: 1.0 was better for sparseloco deltas but stalled dense ones). On the first step
 * this moves {@code 1.33 ×} the mixed delta. All arithmetic is element-wise IEEE float on the host in a fixed order,
 * so the same inputs give bit-identical weights on every machine.
 *
 * <p>{@link #propose} is pure: it returns the new weights and velocity without changing the
 * optimizer. {@link #accept} adopts a proposal's velocity. When a proposal is rejected (its loss
 * did not improve), call {@link #restart}: the velocity goes back to zero. This is the
 * function-value <em>adaptive restart</em> of accelerated methods (O'Donoghue and Candès, 2015):
 * once the objective fails to decrease, the momentum points the wrong way. Keeping it would be
 * worse than useless here, because a rejected step leaves θ where it was, so the stale {@code μ² v}
 * term re-enters every later proposal unchanged and, once it overshoots, every later merge is
 * rejected with it. {@link #proposeFromRest} gives the step a restarted optimizer would propose,
 * so a caller can retry within the same round.
 *
 * <p>{@link #save} persists the velocity atomically as safetensors (names and shapes of the base,
 * F32, metadata {@code outer_steps}, {@code outer_restarts} and optionally {@code revision}: the
 * base revision the velocity belongs to), and {@link #load} restores it after a restart. Not
 * thread-safe.
 *
 * <pre>{@code
 * OuterOptimizer outer = OuterOptimizer.load(state.resolve("outer-momentum.safetensors"), base, 0.7f, 0.9f);
 * OuterOptimizer.Step step = outer.propose(base, pseudoGradient);
 * if (accepted) { outer.accept(step); } else { outer.restart(); }
 * outer.save(state.resolve("outer-momentum.safetensors"), revision);
 * }</pre>
 */
public final class OuterOptimizer {
    /** DiLoCo's outer learning rate; the swarm benchmark's sweep is in docs/averager.md. */
    public static final float DEFAULT_LEARNING_RATE = 0.7f;
    /** DiLoCo's outer Nesterov momentum (the better of 0 and 0.9 in the swarm benchmark). */
    public static final float DEFAULT_MOMENTUM = 0.9f;

    static final String STEPS_KEY = "outer_steps";
    static final String RESTARTS_KEY = "outer_restarts";
    static final String REVISION_KEY = "revision";

    private final float learningRate;
    private final float momentum;
    private ParameterSet velocity; // null until the first accepted step
    private long steps;
    private long restarts;
    private String revision; // the base revision the stored velocity belongs to, when known

    /**
     * Returns a proposed outer step.
     *
     * @param weights the new weights {@code θ'}, in the base's dtypes and with its metadata
     * @param velocity the velocity {@code v'} after this step (F32)
     * @param steps the number of outer steps taken once this one is accepted
     * @param fromRest whether the step was proposed from zero velocity ({@link #proposeFromRest})
     */
    public record Step(ParameterSet weights, ParameterSet velocity, long steps, boolean fromRest) {}

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
        o.steps = counter(file, v, STEPS_KEY);
        o.restarts = counter(file, v, RESTARTS_KEY);
        o.revision = v.metadata().get(REVISION_KEY);
        o.velocity = v;
        return o;
    }

    private static long counter(Path file, ParameterSet v, String key) {
        String value = v.metadata().get(key);
        try {
            long n = value == null ? 0 : Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new MergeStateException("outer momentum file " + file + " has a malformed " + key + " value: "
                    + value);
        }
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

    /** Returns how many times the momentum was reset by {@link #restart}. */
    public long restarts() {
        return restarts;
    }

    /**
     * Returns the base revision the velocity was saved for ({@link #save(Path, String)}), or null
     * when unknown.
     */
    public String revision() {
        return revision;
    }

    /** Returns the current velocity, or {@code null} (meaning zeros) before the first accepted step. */
    public ParameterSet velocity() {
        return velocity;
    }

    /** Returns whether the velocity has a non-zero element (false before the first step and after a restart). */
    public boolean hasMomentum() {
        if (velocity == null) {
            return false;
        }
        for (NamedTensor t : velocity) {
            for (float x : t.toFloats()) {
                if (x != 0f) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Returns the outer step from {@code base} along {@code pseudoGradient}, without changing this
     * optimizer.
     *
     * @throws DeltaMismatchException when the pseudo-gradient or the velocity does not fit the base
     */
    public Step propose(ParameterSet base, ParameterSet pseudoGradient) {
        Deltas.requireSameLayout(base, pseudoGradient, "pseudo-gradient", false);
        return propose(base, b -> pseudoGradient.require(b.name()).toFloats(), velocity);
    }

    /**
     * Returns the outer step from {@code base} along a pseudo-gradient formed one tensor at a time:
     * {@code pseudoGradient} is called once per tensor of {@code base}, in order, and returns a fresh
     * array of that tensor's size (which this overwrites), so the host never holds the whole
     * pseudo-gradient. Same arithmetic as {@link #propose(ParameterSet, ParameterSet)}.
     *
     * @throws DeltaMismatchException when a returned array has the wrong size or the velocity does
     *     not fit the base
     */
    public Step propose(ParameterSet base, Function<NamedTensor, float[]> pseudoGradient) {
        return propose(base, pseudoGradient, velocity);
    }

    /**
     * Returns the step {@link #propose} would give after a {@link #restart} (zero velocity),
     * without changing this optimizer. Accepting it is the restart followed by that step.
     *
     * @throws DeltaMismatchException when the pseudo-gradient does not fit the base
     */
    public Step proposeFromRest(ParameterSet base, ParameterSet pseudoGradient) {
        Deltas.requireSameLayout(base, pseudoGradient, "pseudo-gradient", false);
        return propose(base, b -> pseudoGradient.require(b.name()).toFloats(), null);
    }

    /**
     * Returns the step from zero velocity along a pseudo-gradient formed one tensor at a time, as
     * {@link #propose(ParameterSet, Function)} takes it.
     *
     * @throws DeltaMismatchException when a returned array has the wrong size
     */
    public Step proposeFromRest(ParameterSet base, Function<NamedTensor, float[]> pseudoGradient) {
        return propose(base, pseudoGradient, null);
    }

    private Step propose(ParameterSet base, Function<NamedTensor, float[]> pseudoGradient, ParameterSet velocity) {
        if (velocity != null) {
            Deltas.requireSameLayout(base, velocity, "velocity", false);
        }
        ParameterSet.Builder newVelocity = ParameterSet.builder().putMetadata(STEPS_KEY, Long.toString(steps + 1));
        ParameterSet.Builder weights = ParameterSet.builder().putAllMetadata(base.metadata());
        float mu = momentum;
        // One tensor at a time: the host holds the new velocity and weights, never the update u or g whole.
        for (NamedTensor b : base) {
            float[] g = pseudoGradient.apply(b);
            if (g.length != b.elementCount()) {
                throw new DeltaMismatchException(DeltaMismatchException.Kind.SHAPE, b.name(), "tensor " + b.name()
                        + " has " + b.elementCount() + " elements, its pseudo-gradient " + g.length);
            }
            float[] v = velocity == null ? new float[g.length] : velocity.require(b.name()).toFloats();
            for (int i = 0; i < g.length; i++) {
                v[i] = mu * v[i] + g[i];
                g[i] = g[i] + mu * v[i]; // g now holds u
            }
            newVelocity.add(NamedTensor.ofFloats(b.name(), b.shape(), v));
            // base + (-lr) * u is bit-identical to base - lr * u: negation is exact.
            weights.add(Deltas.apply(b, g, -learningRate));
        }
        return new Step(weights.build(), newVelocity.build(), steps + 1, velocity == null);
    }

    /**
     * Adopts a proposal's velocity and step count. A step from {@link #proposeFromRest} also counts
     * as a restart when the velocity was not already zero.
     */
    public void accept(Step step) {
        Objects.requireNonNull(step, "step");
        if (step.fromRest() && hasMomentum()) {
            restarts++;
        }
        this.velocity = step.velocity();
        this.steps = step.steps();
    }

    /**
     * Resets the velocity to zero after a rejected proposal (adaptive restart); the step count is
     * kept. Returns whether there was momentum to discard; call {@link #save} to persist it.
     */
    public boolean restart() {
        if (!hasMomentum()) {
            return false;
        }
        ParameterSet.Builder zeros = ParameterSet.builder();
        for (NamedTensor t : velocity) {
            zeros.add(NamedTensor.ofFloats(t.name(), t.shape(), new float[(int) t.elementCount()]));
        }
        velocity = zeros.build();
        restarts++;
        return true;
    }

    /**
     * Writes the velocity to {@code file} atomically (temporary file, fsync, rename; nothing is
     * written before the first accepted step).
     *
     * @throws MergeStateException when the file cannot be written
     */
    public void save(Path file) {
        save(file, null);
    }

    /**
     * Writes the velocity to {@code file} atomically, tagged with the base {@code revision} it
     * belongs to (read back by {@link #revision()}); nothing is written before the first accepted
     * step.
     *
     * @throws MergeStateException when the file cannot be written
     */
    public void save(Path file, String revision) {
        if (velocity == null) {
            return;
        }
        ParameterSet.Builder out = velocity.toBuilder().putMetadata(STEPS_KEY, Long.toString(steps))
                .putMetadata(RESTARTS_KEY, Long.toString(restarts));
        if (revision != null) {
            out.putMetadata(REVISION_KEY, revision);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            new SafetensorsWriter().write(out.build(), file);
        } catch (IOException e) {
            throw new MergeStateException("cannot write outer momentum file " + file + ": " + e.getMessage(), e);
        }
        this.revision = revision;
    }
}
