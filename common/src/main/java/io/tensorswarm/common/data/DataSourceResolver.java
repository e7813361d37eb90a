package io.tensorswarm.common.data;

import java.nio.file.Path;

/**
 * Turns a remote data location ({@code hf://datasets/owner/name}, ...) into a local folder that
 * {@link TextDatasets#open(Path)} reads. Implementations live in modules that know the remote
 * (the storage module registers the Hugging Face Hub one) and are found with {@link
 * java.util.ServiceLoader} through {@code META-INF/services/io.tensorswarm.common.data.DataSourceResolver}.
 * Implementations must be safe for concurrent use.
 */
public interface DataSourceResolver {
    /** Returns whether this resolver handles {@code location}. */
    boolean accepts(String location);

    /**
     * Downloads (or finds in {@code cacheDir}) the data at {@code location} and returns its local
     * folder.
     *
     * @throws io.tensorswarm.common.TensorswarmException when the data cannot be fetched
     */
    Path materialize(String location, Path cacheDir);
}
