package io.tensorswarm.gym.net;

import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.file.Path;

/**
 * Another miner's delta as the adversary read it from that miner's store.
 *
 * @param hotkey whose delta it is
 * @param round the round it was uploaded for
 * @param file the stored (encoded) file, as downloaded
 * @param sha256 the file's SHA-256
 * @param delta the decoded F32 delta, in the base layout
 */
public record PeerDelta(String hotkey, long round, Path file, String sha256, ParameterSet delta) {
    /** Returns {@code hotkey@round} with a short hotkey, for logs and the journal. */
    public String label() {
        return hotkey.substring(0, 8) + "…@" + round;
    }
}
