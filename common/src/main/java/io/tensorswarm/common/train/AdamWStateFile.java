package io.tensorswarm.common.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.safetensors.SafetensorsFile;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.safetensors.TensorEntry;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Saves and restores an {@link AdamW}'s state, so training continues with the same moments and step
 * count after the process ends: an F32 safetensors file holding {@code <param>.exp_avg} and {@code
 * <param>.exp_avg_sq} for every parameter, with {@value #KIND_KEY} = {@value #KIND} and the step count
 * in {@value #STEP_KEY} metadata. {@link #save} writes tensor by tensor (one tensor's host copy at a
 * time) and atomically, as {@link SafetensorsWriter} writes every file: a reader, or a process killed
 * mid-write, sees the old file or the complete new one.
 *
 * <p>{@link #restore} never throws for a bad file; it says what it did ({@link Restored}), in one line
 * a caller can log:
 *
 * <ul>
 *   <li>{@link Status#ABSENT}: no file, the optimizer stays fresh;
 *   <li>{@link Status#MODEL_CHANGED}: the tensor names or shapes are not the model's (a new
 *       architecture): dropped, the optimizer stays fresh;
 *   <li>{@link Status#UNUSABLE}: not a readable optimizer-state file (torn, another kind, a step count
 *       that is not a number, a tensor that is not F32, a value that is not finite, a negative second
 *       moment): the optimizer stays fresh (reset if the file failed half-way), the file is left as it is;
 *   <li>{@link Status#RESTORED}: both moments of every parameter and the step count are the file's.
 * </ul>
 *
 * <pre>{@code
 * AdamWStateFile.Restored r = AdamWStateFile.restore(stateDir.resolve("optimizer.safetensors"), adamw);
 * ... train ...
 * AdamWStateFile.save(adamw, stateDir.resolve("optimizer.safetensors"));
 * }</pre>
 */
public final class AdamWStateFile {
    /** Metadata key naming what the file holds (the key deltas and residuals use too). */
    public static final String KIND_KEY = DeltaMetadata.KIND;
    /** The value of {@link #KIND_KEY} on an optimizer-state file. */
    public static final String KIND = "tensorswarm-adamw-state";
    /** Metadata key of the step count: updates applied, a decimal integer. */
    public static final String STEP_KEY = "tensorswarm.adamw.step";
    /** Suffix of a parameter's first-moment tensor. */
    public static final String FIRST_MOMENT = ".exp_avg";
    /** Suffix of a parameter's second-moment tensor. */
    public static final String SECOND_MOMENT = ".exp_avg_sq";

    /** The largest step count accepted (2^53 - 1). */
    private static final long MAX_STEP = (1L << 53) - 1;

    /** What {@link #restore} did. */
    public enum Status {
        /** The moments and the step count are the file's. */
        RESTORED,
        /** There was no file; the optimizer is fresh. */
        ABSENT,
        /** The file is for other tensor names or shapes; dropped, the optimizer is fresh. */
        MODEL_CHANGED,
        /** The file cannot be used (torn, not an optimizer state, not finite); the optimizer is fresh. */
        UNUSABLE
    }

    /**
     * What {@link #restore} did.
     *
     * @param status the outcome
     * @param step the optimizer's step count now (0 unless restored)
     * @param message one line for the log, naming the file and, when dropped, why
     */
    public record Restored(Status status, long step, String message) {}

    private AdamWStateFile() {}

    /**
     * Writes {@code optimizer}'s moments and step count to {@code file} atomically, replacing any file
     * there; the parent folder must exist.
     *
     * @throws IOException when the file cannot be written (the old one is then still in place)
     */
    public static void save(AdamW optimizer, Path file) throws IOException {
        SafetensorsHeader.Builder header = SafetensorsHeader.builder()
                .putMetadata(DeltaMetadata.FORMAT, "pt")
                .putMetadata(KIND_KEY, KIND)
                .putMetadata(STEP_KEY, Long.toString(optimizer.stepCount()));
        Map<String, NDArray> moments = new HashMap<>();
        for (int i = 0; i < optimizer.names().size(); i++) {
            String name = optimizer.names().get(i);
            header.add(name + FIRST_MOMENT, DType.F32, optimizer.shape(i));
            header.add(name + SECOND_MOMENT, DType.F32, optimizer.shape(i));
            moments.put(name + FIRST_MOMENT, optimizer.firstMoment(i));
            moments.put(name + SECOND_MOMENT, optimizer.secondMoment(i));
        }
        new SafetensorsWriter().write(header.build(), (entry, out) -> writeFloats(moments.get(entry.name()), out), file);
    }

    /**
     * Loads the state saved in {@code file} into {@code optimizer} (whose moments must be those of the
     * same parameters), or leaves the optimizer fresh and says why; see the class doc.
     */
    public static Restored restore(Path file, AdamW optimizer) {
        if (!Files.exists(file)) {
            return new Restored(Status.ABSENT, 0, "no optimizer state at " + file + "; starting with fresh AdamW moments");
        }
        try (SafetensorsFile open = new SafetensorsReader().open(file)) {
            SafetensorsHeader header = open.header();
            String kind = header.metadata().get(KIND_KEY);
            if (!KIND.equals(kind)) {
                return unusable(file, optimizer, "its " + KIND_KEY + " is " + (kind == null ? "missing" : "'" + kind + "'")
                        + ", not " + KIND);
            }
            long step = parseStep(header.metadata().get(STEP_KEY));
            if (step < 0) {
                return unusable(file, optimizer, "its " + STEP_KEY + " is not an integer in [0, 2^53 - 1]");
            }
            String changed = modelDifference(header, optimizer);
            if (changed != null) {
                return new Restored(Status.MODEL_CHANGED, 0, "dropping the optimizer state " + file
                        + ": it does not fit the model (" + changed + "); starting with fresh AdamW moments");
            }
            for (TensorEntry e : header.entries()) {
                if (e.dtype() != DType.F32) {
                    return unusable(file, optimizer, "tensor " + e.name() + " is " + e.dtype() + ", not F32");
                }
            }
            for (int i = 0; i < optimizer.names().size(); i++) {
                String name = optimizer.names().get(i);
                String bad = load(open, name + FIRST_MOMENT, optimizer.firstMoment(i), false);
                if (bad == null) {
                    bad = load(open, name + SECOND_MOMENT, optimizer.secondMoment(i), true);
                }
                if (bad != null) {
                    return unusable(file, optimizer, bad);
                }
            }
            optimizer.restoreStepCount(step);
            return new Restored(Status.RESTORED, step, "restored the AdamW moments and step count " + step + " from " + file);
        } catch (IOException | TensorswarmException | IllegalArgumentException e) {
            return unusable(file, optimizer, "cannot read it: " + e.getMessage());
        }
    }

    /** Resets the optimizer (a failed load may have filled some moments) and says why the file was not used. */
    private static Restored unusable(Path file, AdamW optimizer, String why) {
        optimizer.reset();
        return new Restored(Status.UNUSABLE, 0, "cannot use the optimizer state " + file + ": " + why
                + "; starting with fresh AdamW moments");
    }

    /** Returns the step count in {@code value}, or -1 when it is not a decimal integer in [0, 2^53 - 1]. */
    private static long parseStep(String value) {
        if (value == null || !value.matches("[0-9]{1,16}")) {
            return -1;
        }
        long step = Long.parseLong(value);
        return step <= MAX_STEP ? step : -1;
    }

    /** Returns the first difference between the file's tensors and the optimizer's, or null when none. */
    private static String modelDifference(SafetensorsHeader header, AdamW optimizer) {
        Set<String> expected = new LinkedHashSet<>();
        for (int i = 0; i < optimizer.names().size(); i++) {
            for (String suffix : new String[] {FIRST_MOMENT, SECOND_MOMENT}) {
                String name = optimizer.names().get(i) + suffix;
                expected.add(name);
                TensorEntry e = header.get(name);
                if (e == null) {
                    return "no tensor " + name;
                }
                if (!Arrays.equals(e.shape(), optimizer.shape(i))) {
                    return "tensor " + name + " has shape " + Arrays.toString(e.shape()) + ", the model's is "
                            + Arrays.toString(optimizer.shape(i));
                }
            }
        }
        for (String name : header.names()) {
            if (!expected.contains(name)) {
                return "tensor " + name + " is not the model's";
            }
        }
        return null;
    }

    /** Copies tensor {@code name} into {@code target}; returns why not when a value is not finite (or negative). */
    private static String load(SafetensorsFile open, String name, NDArray target, boolean nonNegative) throws IOException {
        NamedTensor t = open.read(name);
        float[] values = t.toFloats();
        for (int j = 0; j < values.length; j++) {
            float v = values[j];
            if (!Float.isFinite(v) || (nonNegative && v < 0)) {
                return "tensor " + name + " element " + j + " is " + v;
            }
        }
        target.set(FloatBuffer.wrap(values));
        return null;
    }

    /** Writes {@code moment} as little-endian F32 bytes. */
    private static void writeFloats(NDArray moment, OutputStream out) throws IOException {
        if (moment.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("AdamW moments are F32, found " + moment.getDataType());
        }
        float[] values = moment.toFloatArray();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!chunk.hasRemaining()) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(v);
        }
        out.write(chunk.array(), 0, chunk.position());
    }
}
