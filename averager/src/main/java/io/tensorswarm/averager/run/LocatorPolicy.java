package io.tensorswarm.averager.run;

import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which storage schemes a miner's on-chain locator may use ({@code --locators.allow}). Locators
 * are untrusted: a {@code file://} locator would make the averager read its own disk, so {@code
 * file} is allowed only when the operator opts in (local subnets and tests). A locator without a
 * scheme is a local path, hence {@code file}.
 *
 * <pre>{@code
 * LocatorPolicy policy = LocatorPolicy.parse("s3,hf");
 * policy.refusal("file:///etc/");   // "locator scheme 'file' is not allowed (--locators.allow s3,hf)"
 * policy.refusal("s3://bucket/x");  // null
 * }</pre>
 */
public final class LocatorPolicy {
    /** The default: the remote backends storage ships ({@code file} must be opted in). */
    public static final String DEFAULT = "s3,hf";

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    private final Set<String> schemes;

    private LocatorPolicy(Set<String> schemes) {
        this.schemes = Collections.unmodifiableSet(schemes);
    }

    /**
     * Returns the policy for a comma-separated list of schemes (case-insensitive, blanks ignored).
     *
     * @throws IllegalArgumentException when the list is empty or holds something that is not a scheme
     */
    public static LocatorPolicy parse(String list) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : (list == null ? "" : list).split(",")) {
            String s = part.trim().toLowerCase(Locale.ROOT);
            if (s.endsWith("://")) {
                s = s.substring(0, s.length() - 3);
            }
            if (s.isEmpty()) {
                continue;
            }
            if (!SCHEME.matcher(s).matches()) {
                throw new IllegalArgumentException("not a URI scheme: '" + part.trim() + "'");
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no scheme allowed: give at least one, e.g. " + DEFAULT);
        }
        return new LocatorPolicy(out);
    }

    /** Returns the default policy, {@value #DEFAULT}. */
    public static LocatorPolicy defaults() {
        return parse(DEFAULT);
    }

    /** Returns the allowed schemes, lowercase, in the given order. */
    public Set<String> schemes() {
        return schemes;
    }

    /** Returns the allowed schemes that no installed storage backend serves. */
    public Set<String> unserved() {
        Set<String> out = new LinkedHashSet<>(schemes);
        out.removeAll(ObjectStores.providers().keySet());
        return out;
    }

    /** Returns the scheme of {@code locator} ({@code file} for a plain path). */
    public static String schemeOf(String locator) {
        URI uri = ObjectStores.toUri(locator);
        return uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    /** Returns why {@code locator} may not be opened, or null when it may. */
    public String refusal(String locator) {
        String scheme;
        try {
            scheme = schemeOf(locator);
        } catch (StorageException e) {
            return "unusable locator: " + e.getMessage();
        }
        if (schemes.contains(scheme)) {
            return null;
        }
        return "locator scheme '" + scheme + "' is not allowed (--locators.allow " + this + ")";
    }

    /** Returns the schemes as a comma-separated list, as {@code --locators.allow} takes them. */
    @Override
    public String toString() {
        return String.join(",", schemes);
    }
}
