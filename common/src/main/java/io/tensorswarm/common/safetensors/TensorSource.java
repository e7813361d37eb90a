package io.tensorswarm.common.safetensors;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Produces the bytes of one tensor on demand, so a writer can stream a file tensor by tensor
 * without holding the whole model in memory. Called once per header entry, in buffer order.
 */
@FunctionalInterface
public interface TensorSource {
    /**
     * Writes exactly {@link TensorEntry#byteLength()} little-endian bytes of {@code entry} to {@code
     * out}; must not close {@code out}.
     */
    void writeTensor(TensorEntry entry, OutputStream out) throws IOException;
}
