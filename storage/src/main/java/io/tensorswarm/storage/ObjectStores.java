package io.tensorswarm.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Opens an {@link ObjectStore} for a location string, choosing the backend by URI scheme among the
 * installed {@link ObjectStoreProvider}s. A location without a scheme is a local directory.
 *
 * <pre>{@code
 * ObjectStore store = ObjectStores.open("hf://my-org/deltas", StorageOptions.fromEnvironment(System.getenv()));
 * }</pre>
 */
public final class ObjectStores {
    private ObjectStores() {}

    /** Opens the store for {@code location}: {@code file:///dir}, a plain path, {@code s3://…} or {@code hf://…}. */
    public static ObjectStore open(String location, StorageOptions options) {
        return open(toUri(location), options);
    }

    /** Opens the store for {@code location}, whose scheme selects the provider. */
    public static ObjectStore open(URI location, StorageOptions options) {
        String scheme = location.getScheme() == null ? "file" : location.getScheme().toLowerCase(Locale.ROOT);
        Map<String, ObjectStoreProvider> providers = providers();
        ObjectStoreProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new StorageException(
                    StorageException.Kind.CONFIGURATION,
                    "no storage backend for '" + scheme + "://' (installed: " + String.join(", ", providers.keySet()) + ")");
        }
        return provider.open(location, options);
    }

    /** Returns the installed providers by scheme. */
    public static Map<String, ObjectStoreProvider> providers() {
        Map<String, ObjectStoreProvider> out = new TreeMap<>();
        for (ObjectStoreProvider p : ServiceLoader.load(ObjectStoreProvider.class, ObjectStores.class.getClassLoader())) {
            out.putIfAbsent(p.scheme(), p);
        }
        return out;
    }

    /** Parses a location; strings without {@code ://} are local paths. */
    public static URI toUri(String location) {
        if (location == null || location.isBlank()) {
            throw new StorageException(StorageException.Kind.CONFIGURATION, "empty storage location");
        }
        if (!location.contains("://")) {
            return Path.of(location).toAbsolutePath().normalize().toUri();
        }
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            throw new StorageException(
                    StorageException.Kind.CONFIGURATION, "bad storage location '" + Keys.printable(location) + "': " + e.getReason());
        }
    }
}
