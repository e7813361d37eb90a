package io.tensorswarm.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Opens an {@link ObjectStore} for a location string, choosing the backend by URI scheme among the
 * installed {@link ObjectStoreProvider}s. A location without a scheme is a local directory. Every
 * failure, whatever the location holds, is a one-line {@link StorageException}.
 *
 * <pre>{@code
 * ObjectStore store = ObjectStores.open("hf://my-org/deltas", StorageOptions.fromEnvironment(System.getenv()));
 * }</pre>
 */
public final class ObjectStores {
    private ObjectStores() {}

    /** The longest location accepted, in characters. */
    public static final int MAX_LOCATION_LENGTH = 4096;

    private static final Pattern SCHEME_PREFIX = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    /**
     * Opens the store for {@code location}: {@code file:///dir}, a plain path, {@code s3://…} or
     * {@code hf://…}. Opening touches neither the disk nor the network beyond what the backend needs
     * to exist (a local store's directory is created by its first put).
     *
     * @throws StorageException whatever the location holds (never another exception type): {@code
     *     CONFIGURATION} for a malformed location or an unknown scheme, in one line
     */
    public static ObjectStore open(String location, StorageOptions options) {
        return open(toUri(location), options);
    }

    /** Opens the store for {@code location}, whose scheme selects the provider; see {@link #open(String, StorageOptions)}. */
    public static ObjectStore open(URI location, StorageOptions options) {
        String scheme = location.getScheme() == null ? "file" : location.getScheme().toLowerCase(Locale.ROOT);
        Map<String, ObjectStoreProvider> providers = providers();
        ObjectStoreProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new StorageException(
                    StorageException.Kind.CONFIGURATION,
                    "no storage backend for '" + Keys.printable(scheme) + "://' (installed: "
                            + String.join(", ", providers.keySet()) + ")");
        }
        try {
            return provider.open(location, options);
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            // A provider's parser or client builder choking on a hostile location must not escape as
            // an unchecked error of another type: callers (a validator reading miners' locators) rely on it.
            throw new StorageException(StorageException.Kind.CONFIGURATION, "cannot open '"
                    + Keys.printable(location.toASCIIString()) + "': " + Keys.printable(String.valueOf(e.getMessage())), e);
        }
    }

    /** Returns the installed providers by scheme. */
    public static Map<String, ObjectStoreProvider> providers() {
        Map<String, ObjectStoreProvider> out = new TreeMap<>();
        for (ObjectStoreProvider p : ServiceLoader.load(ObjectStoreProvider.class, ObjectStores.class.getClassLoader())) {
            out.putIfAbsent(p.scheme(), p);
        }
        return out;
    }

    /** Returns whether {@code location} starts with a URI scheme ({@code name:}) rather than being a plain path. */
    public static boolean hasScheme(String location) {
        return location != null && SCHEME_PREFIX.matcher(location).find();
    }

    /**
     * Parses a location. One that starts with a scheme ({@code file:}, {@code s3:}, …) is a URI, checked
     * by its backend when opened; anything else is a local path, made absolute against the working
     * directory (for operators' flags; locators committed on chain must name their scheme).
     *
     * @throws StorageException ({@code CONFIGURATION}) when it is empty, longer than {@value
     *     #MAX_LOCATION_LENGTH} characters, or not a URI or path
     */
    public static URI toUri(String location) {
        if (location == null || location.isBlank()) {
            throw new StorageException(StorageException.Kind.CONFIGURATION, "empty storage location");
        }
        if (location.length() > MAX_LOCATION_LENGTH) {
            throw new StorageException(StorageException.Kind.CONFIGURATION, "storage location '"
                    + Keys.printable(location) + "' is longer than " + MAX_LOCATION_LENGTH + " characters");
        }
        if (!hasScheme(location)) {
            try {
                return Path.of(location).toAbsolutePath().normalize().toUri();
            } catch (InvalidPathException e) {
                throw new StorageException(StorageException.Kind.CONFIGURATION,
                        "bad storage location '" + Keys.printable(location) + "': " + e.getReason());
            }
        }
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            throw new StorageException(
                    StorageException.Kind.CONFIGURATION, "bad storage location '" + Keys.printable(location) + "': " + e.getReason());
        }
    }
}
