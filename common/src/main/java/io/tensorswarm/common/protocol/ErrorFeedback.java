package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error-feedback accumulator for lossy codecs: what a round's encoding dropped is carried into the
 * next round's delta, so over rounds what was sent tracks the deltas.
 *
 * <p>Per tensor: {@code toSend = delta + decay * residual}; after encoding, {@code residual = toSend
 * - decode(encode(toSend))}. The decay ({@link #DEFAULT_DECAY}, SparseLoCo's 0.95) lets what stays
 * unsent for many rounds fade instead of piling up behind a base that has moved on; a decay of 1 is
 * classic error feedback, where the sum of what was sent equals the sum of the deltas minus the
 * last residual. A residual whose shape no longer matches the delta's tensor (the model
 * changed) is dropped with a warning. Save it after each round with {@link #save}, which writes an
 * F32 safetensors file atomically, so a miner restart keeps it. Mutable and not thread-safe: one
 * miner owns one instance.
 *
 * <pre>{@code
 * ErrorFeedback feedback = ErrorFeedback.load(stateDir.resolve("residual.safetensors"));
 * ParameterSet stored = feedback.encode(new TopKCodec(), delta); // upload this
 * feedback.save(stateDir.resolve("residual.safetensors"));
 * }</pre>
 */
public final class ErrorFeedback {
    private static final Logger log = LoggerFactory.getLogger(ErrorFeedback.class);
    /** Metadata kind written on a residual file. */
    public static final String KIND_RESIDUAL = "tensorswarm-residual";

    /** SparseLoCo's residual decay per round. */
    public static final double DEFAULT_DECAY = 0.95;

    private final Map<String, NamedTensor> residuals = new LinkedHashMap<>();
    private final float decay;

    private ErrorFeedback(double decay) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("error-feedback decay must be in [0, 1], got " + decay);
        }
        this.decay = (float) decay;
    }

    /** Returns an accumulator with no residual and the {@link #DEFAULT_DECAY}. */
    public static ErrorFeedback empty() {
        return empty(DEFAULT_DECAY);
    }

    /**
     * Returns an accumulator with no residual that carries {@code decay} of the residual forward.
     *
     * @throws IllegalArgumentException when {@code decay} is not in [0, 1]
     */
    public static ErrorFeedback empty(double decay) {
        return new ErrorFeedback(decay);
    }

    /** Returns the share of the residual carried into the next round. */
    public double decay() {
        return decay;
    }

    /** {@link #load(Path, double)} with the {@link #DEFAULT_DECAY}. */
    public static ErrorFeedback load(Path file) throws IOException {
        return load(file, DEFAULT_DECAY);
    }

    /**
     * Returns the accumulator saved in {@code file}, or an empty one when the file does not exist.
     *
     * @throws io.tensorswarm.common.safetensors.SafetensorsException when the file is malformed
     * @throws ProtocolException when a residual is not F32 or not finite
     * @throws IOException when the file cannot be read
     */
    public static ErrorFeedback load(Path file, double decay) throws IOException {
        ErrorFeedback feedback = new ErrorFeedback(decay);
        if (!Files.exists(file)) {
            return feedback;
        }
        for (NamedTensor t : new SafetensorsReader().read(file)) {
            if (t.dtype() != DType.F32) {
                throw new ProtocolException(file + ": residual " + Quote.of(t.name()) + " is " + t.dtype() + ", not F32");
            }
            float[] values = t.toFloats();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new ProtocolException(file + ": residual " + Quote.of(t.name()) + " element " + i + " is " + values[i]);
                }
            }
            feedback.residuals.put(t.name(), t);
        }
        return feedback;
    }

    /**
     * Returns {@code delta + decay * residual} per tensor (F32, {@code delta}'s order and metadata); tensors
     * without a matching residual pass unchanged.
     *
     * @throws IllegalArgumentException when a delta tensor is not F32
     */
    public ParameterSet compensate(ParameterSet delta) {
        ParameterSet.Builder out = ParameterSet.builder().putAllMetadata(delta.metadata());
        for (NamedTensor t : delta) {
            float[] values = floats(t);
            NamedTensor r = residuals.get(t.name());
            if (r != null && Arrays.equals(r.shape(), t.shape())) {
                float[] rv = r.toFloats();
                for (int i = 0; i < values.length; i++) {
                    values[i] += decay * rv[i];
                }
            } else if (r != null) {
                log.warn("dropping the residual of {}: shape {} no longer matches the delta's {}",
                        t.name(), Arrays.toString(r.shape()), Arrays.toString(t.shape()));
            }
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), values));
        }
        return out.build();
    }

    /**
     * Sets each tensor's residual to {@code sent - decoded} and drops residuals of tensors {@code
     * sent} lacks.
     *
     * @throws IllegalArgumentException when the two sets' names or shapes differ
     */
    public void update(ParameterSet sent, ParameterSet decoded) {
        Map<String, NamedTensor> next = new LinkedHashMap<>();
        for (NamedTensor s : sent) {
            NamedTensor d = decoded.get(s.name());
            if (d == null || !Arrays.equals(d.shape(), s.shape()) || decoded.size() != sent.size()) {
                throw new IllegalArgumentException("decoded delta does not match the sent one at " + s.name());
            }
            float[] r = floats(s);
            float[] dv = floats(d);
            for (int i = 0; i < r.length; i++) {
                r[i] -= dv[i];
            }
            next.put(s.name(), NamedTensor.ofFloats(s.name(), s.shape(), r));
        }
        residuals.clear();
        residuals.putAll(next);
    }

    /**
     * Encodes {@code delta} plus the residual with {@code codec}, updates the residual with what the
     * encoding lost, and returns the stored tensors.
     *
     * @throws DeltaCodecException when the codec refuses the compensated delta
     */
    public ParameterSet encode(DeltaCodec codec, ParameterSet delta) {
        ParameterSet toSend = compensate(delta);
        ParameterSet stored = codec.encode(toSend);
        update(toSend, codec.decode(stored, toSend));
        return stored;
    }

    /** Returns the current residuals as an F32 parameter set. */
    public ParameterSet residuals() {
        ParameterSet.Builder b = ParameterSet.builder().putMetadata(DeltaMetadata.KIND, KIND_RESIDUAL);
        residuals.values().forEach(b::add);
        return b.build();
    }

    /** Writes the residuals to {@code file} atomically (a reader sees the old file or the new one). */
    public void save(Path file) throws IOException {
        new SafetensorsWriter().write(residuals(), file);
    }

    private static float[] floats(NamedTensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException("tensor " + t.name() + " is " + t.dtype() + ", error feedback works on F32");
        }
        return t.toFloats();
    }
}
