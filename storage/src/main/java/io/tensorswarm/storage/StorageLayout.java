package io.tensorswarm.storage;

import java.util.regex.Pattern;

/**
 * Names the keys Tensorswarm uses inside a location: miner deltas and manifests per round, base
 * models per revision, and the {@code latest} pointer.
 *
 * <pre>{@code
 * store.put(PutRequest.ofFile(StorageLayout.deltaKey(42, hotkey), deltaFile));
 * }</pre>
 */
public final class StorageLayout {
    /** The pointer naming the newest base-model revision. */
    public static final String LATEST = "latest";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private StorageLayout() {}

    /** Returns {@code rounds/<round>/<hotkey>/delta.safetensors}. */
    public static String deltaKey(long round, String hotkey) {
        return roundPrefix(round) + segment(hotkey, "hotkey") + "/delta.safetensors";
    }

    /** Returns {@code rounds/<round>/<hotkey>/manifest.json}. */
    public static String manifestKey(long round, String hotkey) {
        return roundPrefix(round) + segment(hotkey, "hotkey") + "/manifest.json";
    }

    /** Returns {@code rounds/<round>/}, the prefix listing every miner's files of a round. */
    public static String roundPrefix(long round) {
        if (round < 0) {
            throw new IllegalArgumentException("negative round " + round);
        }
        return "rounds/" + round + "/";
    }

    /** Returns {@code models/<revision>/model.safetensors}. */
    public static String modelWeightsKey(String revision) {
        return modelPrefix(revision) + "model.safetensors";
    }

    /** Returns {@code models/<revision>/config.json}. */
    public static String modelConfigKey(String revision) {
        return modelPrefix(revision) + "config.json";
    }

    /** Returns {@code models/<revision>/}. */
    public static String modelPrefix(String revision) {
        return "models/" + segment(revision, "revision") + "/";
    }

    /**
     * Returns {@code value} if it is usable as one path segment (letters, digits, {@code . _ -}, not
     * starting with a dot, at most 128 characters); throws {@code INVALID_KEY} otherwise.
     */
    public static String segment(String value, String what) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new StorageException(
                    StorageException.Kind.INVALID_KEY,
                    "invalid " + what + " '" + Keys.printable(value) + "': use letters, digits, '.', '_', '-'");
        }
        return value;
    }
}
