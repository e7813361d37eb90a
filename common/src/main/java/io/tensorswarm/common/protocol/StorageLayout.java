package io.tensorswarm.common.protocol;

/**
 * The object keys inside a storage location, built only from validated components so that an
 * untrusted hotkey or revision can never name another object.
 *
 * <pre>
 * rounds/&lt;round&gt;/&lt;hotkey&gt;/delta.safetensors
 * rounds/&lt;round&gt;/&lt;hotkey&gt;/manifest.json
 * models/&lt;revision&gt;/model.safetensors
 * models/&lt;revision&gt;/config.json
 * latest                                   ({@link LatestPointer}: the newest base record)
 * bases/&lt;round&gt;.json                       ({@link BaseRecord}: the append-only base history)
 * </pre>
 *
 * <p>{@code <round>} is a non-negative decimal integer without leading zeros; {@code <hotkey>} must
 * be SS58-shaped (47 or 48 base58 characters) and {@code <revision>} 64 lowercase hex characters.
 * Neither shape admits {@code /}, {@code .}, whitespace or control characters, so no key can escape
 * its directory. Keys use {@code /} and are relative to the location's root.
 *
 * <pre>{@code
 * String key = StorageLayout.deltaKey(12, hotkey); // "rounds/12/5F.../delta.safetensors"
 * }</pre>
 */
public final class StorageLayout {
    /** Key of the pointer to the current base model. */
    public static final String LATEST = "latest";
    /** File name of a delta inside its round and hotkey directory. */
    public static final String DELTA_FILE = "delta.safetensors";
    /** File name of a manifest inside its round and hotkey directory. */
    public static final String MANIFEST_FILE = "manifest.json";
    /** File name of a model's weights inside its revision directory. */
    public static final String MODEL_FILE = "model.safetensors";
    /** File name of a model's configuration inside its revision directory. */
    public static final String CONFIG_FILE = "config.json";
    /** File name of a model's tokenizer (Hugging Face {@code tokenizers} JSON), when it has one. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private StorageLayout() {}

    /**
     * Returns {@code rounds/<round>/}, the prefix under which every miner's round files live.
     *
     * @throws IllegalArgumentException when {@code round} is negative
     */
    public static String roundPrefix(long round) {
        if (round < 0) {
            throw new IllegalArgumentException("round must be non-negative, got " + round);
        }
        return "rounds/" + round + "/";
    }

    /**
     * Returns {@code rounds/<round>/<hotkey>/}.
     *
     * @throws ProtocolException when {@code hotkey} is not SS58-shaped
     */
    public static String minerPrefix(long round, String hotkey) {
        if (!ProtocolIds.isSs58Shaped(hotkey)) {
            throw new ProtocolException("hotkey " + Quote.of(hotkey) + " is not an SS58 address (47-48 base58 characters)");
        }
        return roundPrefix(round) + hotkey + "/";
    }

    /** Returns {@code rounds/<round>/<hotkey>/delta.safetensors}; see {@link #minerPrefix}. */
    public static String deltaKey(long round, String hotkey) {
        return minerPrefix(round, hotkey) + DELTA_FILE;
    }

    /** Returns {@code rounds/<round>/<hotkey>/manifest.json}; see {@link #minerPrefix}. */
    public static String manifestKey(long round, String hotkey) {
        return minerPrefix(round, hotkey) + MANIFEST_FILE;
    }

    /**
     * Returns {@code bases/<round>.json}, the base history entry of the base that starts at {@code round}.
     *
     * @throws IllegalArgumentException when {@code round} is negative
     */
    public static String baseRecordKey(long round) {
        if (round < 0) {
            throw new IllegalArgumentException("round must be non-negative, got " + round);
        }
        return "bases/" + round + ".json";
    }

    /**
     * Returns {@code models/<revision>/}.
     *
     * @throws ProtocolException when {@code revision} is not 64 lowercase hex characters
     */
    public static String modelPrefix(String revision) {
        if (!ProtocolIds.isSha256Hex(revision)) {
            throw new ProtocolException("revision " + Quote.of(revision) + " is not 64 lowercase hex characters");
        }
        return "models/" + revision + "/";
    }

    /** Returns {@code models/<revision>/model.safetensors}; see {@link #modelPrefix}. */
    public static String modelKey(String revision) {
        return modelPrefix(revision) + MODEL_FILE;
    }

    /** Returns {@code models/<revision>/config.json}; see {@link #modelPrefix}. */
    public static String modelConfigKey(String revision) {
        return modelPrefix(revision) + CONFIG_FILE;
    }

    /** Returns {@code models/<revision>/tokenizer.json}; see {@link #modelPrefix}. */
    public static String modelTokenizerKey(String revision) {
        return modelPrefix(revision) + TOKENIZER_FILE;
    }
}
