package io.tensorswarm.common.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Resolves a {@code --data} value: a local path (or {@code file://} URI) as is, any other scheme
 * through the registered {@link DataSourceResolver}s.
 */
public final class DataSources {
    private DataSources() {}

    /**
     * Returns the local path holding the data at {@code location}.
     *
     * @throws DataException when the location has a scheme no resolver accepts
     */
    public static Path resolve(String location, Path cacheDir) {
        String scheme = schemeOf(location);
        if (scheme == null) {
            return Path.of(location);
        }
        if (scheme.equals("file")) {
            return Path.of(URI.create(location));
        }
        for (DataSourceResolver r : ServiceLoader.load(DataSourceResolver.class)) {
            if (r.accepts(location)) {
                return r.materialize(location, cacheDir);
            }
        }
        throw new DataException("no data source handles " + location
                + " (supported: local paths, file://, hf://datasets/owner/name[/glob])");
    }

    /** Returns the lower-case URI scheme of {@code location}, or null for a plain path. */
    static String schemeOf(String location) {
        int colon = location.indexOf("://");
        if (colon <= 1) {
            return null; // a plain path, or a Windows drive letter
        }
        String scheme = location.substring(0, colon);
        return scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
                ? scheme.toLowerCase(Locale.ROOT)
                : null;
    }
}
