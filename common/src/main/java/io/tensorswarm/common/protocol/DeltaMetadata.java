package io.tensorswarm.common.protocol;

/**
 * Keys of the safetensors {@code __metadata__} that a delta file carries, so a validator can tell
 * what it is looking at before loading any tensor.
 */
public final class DeltaMetadata {
    /** Always {@code "pt"}, as Hugging Face writes it: lets PyTorch tools open the file. */
    public static final String FORMAT = "format";
    /** {@code "tensorswarm-delta"} on deltas. */
    public static final String KIND = "tensorswarm.kind";
    /** The value of {@link #KIND} on a delta file. */
    public static final String KIND_DELTA = "tensorswarm-delta";
    /** SHA-256 (hex) of the base model's {@code model.safetensors} the delta was computed against. */
    public static final String BASE_REVISION = "tensorswarm.base_revision";
    /** The codec the tensors are stored with ({@code fp32}, {@code bf16}, ...). */
    public static final String CODEC = "tensorswarm.codec";
    /** Number of optimizer steps the miner ran. */
    public static final String STEPS = "tensorswarm.steps";
    /** Number of tokens trained on. */
    public static final String TOKENS = "tensorswarm.tokens";

    private DeltaMetadata() {}
}
