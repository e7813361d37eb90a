package io.tensorswarm.storage.hf;

import io.tensorswarm.common.data.DataSourceResolver;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;

/**
 * Lets {@code --data hf://datasets/owner/name[/glob]} work wherever the core reads data: downloads
 * the dataset's files through the Hub API into the cache, keyed by commit, with {@link HubDatasets}.
 */
public final class HubDataResolver implements DataSourceResolver {
    @Override
    public boolean accepts(String location) {
        return location.toLowerCase(Locale.ROOT).startsWith("hf://datasets/");
    }

    @Override
    public Path materialize(String location, Path cacheDir) {
        // HF_ENDPOINT may also come as a JVM property (-DHF_ENDPOINT=...), e.g. for a Hub mirror.
        Map<String, String> env = new HashMap<>(System.getenv());
        String endpoint = System.getProperty("HF_ENDPOINT");
        if (endpoint != null) {
            env.put("HF_ENDPOINT", endpoint);
        }
        return HubDatasets.materialize(location,
                StorageOptions.fromEnvironment(env).toBuilder().optCacheDir(cacheDir).build());
    }
}
