package io.tensorswarm.storage.s3;

import io.tensorswarm.storage.Keys;
import io.tensorswarm.storage.StorageException;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * A parsed {@code s3://bucket[/prefix]} location.
 *
 * @param bucket the bucket name (3-63 characters, S3 rules)
 * @param prefix the key prefix without leading or trailing slash, or {@code ""}
 */
public record S3Location(String bucket, String prefix) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** Parses {@code uri}; throws {@code CONFIGURATION} when it is not a usable S3 location. */
    public static S3Location parse(URI uri) {
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw bad(uri, "scheme must be s3");
        }
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw bad(uri, "bucket must be 3-63 characters of a-z, 0-9, '.', '-'");
        }
        if (uri.getUserInfo() != null || uri.getPort() != -1 || uri.getQuery() != null) {
            throw bad(uri, "put credentials and endpoints in options, not in the location");
        }
        if (uri.getRawFragment() != null) {
            throw bad(uri, "no fragment (#)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.isEmpty() && !Keys.isValid(path)) {
            throw bad(uri, "invalid prefix");
        }
        return new S3Location(bucket, path);
    }

    /** Returns the full S3 key for a store-relative {@code key}. */
    public String objectKey(String key) {
        return Keys.join(prefix, key);
    }

    /** Returns the store-relative key of a full S3 key under this location. */
    public String relativeKey(String objectKey) {
        return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
    }

    /** Returns {@code s3://bucket/prefix}. */
    public URI uri() {
        return URI.create("s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix));
    }

    private static StorageException bad(URI uri, String why) {
        String shown = uri.getHost() != null ? "s3://" + uri.getHost() + (uri.getPath() == null ? "" : uri.getPath()) : "(unparsable)";
        return new StorageException(StorageException.Kind.CONFIGURATION, "bad S3 location '" + Keys.printable(shown) + "': " + why);
    }
}
