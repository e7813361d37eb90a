package io.tensorswarm.chain.hash;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds storage keys: {@code twox128(pallet) ‖ twox128(item) ‖ hasher1(key1) ‖ hasher2(key2) …},
 * each key part given already SCALE-encoded. Fewer parts than hashers give an iteration prefix.
 *
 * <pre>{@code
 * byte[] key = StorageKey.of("SubtensorModule", "Tempo",
 *         List.of(StorageHasher.IDENTITY), List.of(new byte[] {1, 0}));
 * }</pre>
 */
public final class StorageKey {
    private StorageKey() {}

    /** Returns {@code twox128(pallet) ‖ twox128(item)}, the key of a plain value and every map's prefix. */
    public static byte[] prefix(String pallet, String item) {
        byte[] p = Hashing.twox128(pallet.getBytes(StandardCharsets.UTF_8));
        byte[] i = Hashing.twox128(item.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[32];
        System.arraycopy(p, 0, out, 0, 16);
        System.arraycopy(i, 0, out, 16, 16);
        return out;
    }

    /**
     * Returns the key for {@code encodedKeys}, hashing part {@code n} with {@code hashers.get(n)}.
     *
     * @throws IllegalArgumentException if more key parts than hashers are given
     */
    public static byte[] of(String pallet, String item, List<StorageHasher> hashers, List<byte[]> encodedKeys) {
        if (encodedKeys.size() > hashers.size()) {
            throw new IllegalArgumentException(pallet + "." + item + " takes " + hashers.size()
                    + " key parts, got " + encodedKeys.size());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix(pallet, item));
        for (int n = 0; n < encodedKeys.size(); n++) {
            out.writeBytes(hashers.get(n).hash(encodedKeys.get(n)));
        }
        return out.toByteArray();
    }
}
