package io.tensorswarm.miner.publish;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecException;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Fp32Codec;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A delta trained elsewhere ({@code trained - base} of the base's named tensors, F32 safetensors, as
 * PyTorch's {@code safetensors.torch.save_file} writes it), checked and encoded for publication.
 *
 * <p>The check is the validators' own: the file is read as an {@code fp32} delta and decoded against
 * the base layout ({@link Fp32Codec#decode}), so it must hold exactly the base's tensor names and
 * shapes, all F32, every value finite. Its own metadata is dropped; the encoded file carries the
 * delta metadata and the codec's. No error feedback: each publication stands alone.
 */
public final class ExternalDelta {
    private ExternalDelta() {}

    /**
     * Reads {@code deltaFile}, checks it against {@code baseWeights} and writes it encoded with
     * {@code codec} to {@code out}.
     *
     * @param baseRevision the base's revision, written into the delta's metadata
     * @throws InvalidDeltaException with a one-line message when the file is unreadable or does not fit the base
     * @throws IOException when the base cannot be read or {@code out} cannot be written
     */
    public static void encode(Path deltaFile, Path baseWeights, String baseRevision, DeltaCodec codec, Path out)
            throws IOException {
        ParameterSet layout = new SafetensorsReader().read(baseWeights);
        ParameterSet delta = checked(deltaFile, layout, baseRevision);
        ParameterSet tagged = delta.toBuilder()
                .putMetadata(DeltaMetadata.FORMAT, "pt")
                .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .putMetadata(DeltaMetadata.BASE_REVISION, baseRevision)
                .build();
        new SafetensorsWriter().write(codec.encode(tagged), out);
    }

    /**
     * Returns the F32 delta in {@code deltaFile}, in the layout's order, without metadata.
     *
     * @throws InvalidDeltaException when the file is unreadable or does not fit {@code layout}
     */
    static ParameterSet checked(Path deltaFile, ParameterSet layout, String baseRevision) {
        ParameterSet stored;
        try {
            stored = new SafetensorsReader().read(deltaFile);
        } catch (IOException | TensorswarmException e) {
            throw new InvalidDeltaException("--delta " + deltaFile + " is not a readable safetensors file: "
                    + e.getMessage(), e);
        }
        ParameterSet asFp32 = stored.toBuilder().putMetadata(DeltaMetadata.CODEC, Fp32Codec.NAME).build();
        try {
            return new Fp32Codec().decode(asFp32, layout);
        } catch (DeltaCodecException e) {
            throw new InvalidDeltaException("--delta " + deltaFile + " does not fit base " + shortHash(baseRevision)
                    + " (an F32 delta of exactly its tensors is expected): " + e.getMessage(), e);
        }
    }

    private static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
