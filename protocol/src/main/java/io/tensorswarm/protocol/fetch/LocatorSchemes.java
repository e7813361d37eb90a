package io.tensorswarm.protocol.fetch;

import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageException;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The locator allow-list ({@code --locators.allow}) of every daemon that reads miners' on-chain
 * locators: which storage schemes are accepted, and the first check of an untrusted locator.
 * Locators are untrusted: by default only the remote object stores ({@value #DEFAULT}) are
 * accepted, never {@code file}, which would let any miner point the daemon at its own disk; a local
 * subnet opts in with {@code file,s3,hf}. A locator must name its scheme ({@code file:///dir},
 * {@code s3://bucket/prefix}, {@code hf://owner/repo}); the storage backend then checks the rest of
 * its form when the store is opened ({@code ObjectStores.open}).
 *
 * <pre>{@code
 * @Option(names = "--locators.allow", defaultValue = "${env:TS_LOCATORS_ALLOW:-" + LocatorSchemes.DEFAULT + "}")
 * String allow;
 * LocatorSchemes schemes = LocatorSchemes.parse(allow);   // IllegalArgumentException: a usage error
 * if (!schemes.unserved().isEmpty()) { ... usage error: no backend installed for them ... }
 * DeltaFetcher fetcher = DeltaFetcher.builder()....optAllowedSchemes(schemes).build();
 * schemes.check("file:///etc");   // RejectedDeltaException "locator not allowed"
 * }</pre>
 *
 * @param allowed lowercase scheme names, sorted
 */
public record LocatorSchemes(Set<String> allowed) {
    /** The default list: the remote backends storage ships ({@code file} must be opted in). */
    public static final String DEFAULT = "s3,hf";

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    /** The remote schemes of the storage backends, the default. */
    public static final LocatorSchemes REMOTE = parse(DEFAULT);

    /**
     * Lowercases and copies the set; names may be written {@code s3} or {@code s3://}.
     *
     * @throws IllegalArgumentException (one line) when it is empty or holds something that is not a scheme
     */
    public LocatorSchemes {
        Objects.requireNonNull(allowed, "allowed");
        TreeSet<String> lower = new TreeSet<>();
        for (String s : allowed) {
            String scheme = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
            if (scheme.endsWith("://")) {
                scheme = scheme.substring(0, scheme.length() - 3);
            }
            if (scheme.isEmpty()) {
                throw new IllegalArgumentException("empty locator scheme");
            }
            if (!SCHEME.matcher(scheme).matches()) {
                throw new IllegalArgumentException("not a URI scheme: " + shown(s.strip()));
            }
            lower.add(scheme);
        }
        if (lower.isEmpty()) {
            throw new IllegalArgumentException("at least one locator scheme must be allowed, e.g. " + DEFAULT);
        }
        allowed = Collections.unmodifiableSet(lower);
    }

    /** Returns the schemes in {@code names}, each written {@code s3} or {@code s3://}. */
    public static LocatorSchemes of(Collection<String> names) {
        return new LocatorSchemes(new LinkedHashSet<>(names));
    }

    /**
     * Returns the schemes of a comma-separated list ({@code "s3,hf"}), blanks ignored.
     *
     * @throws IllegalArgumentException (one line) when the list is empty or holds something that is not a scheme
     */
    public static LocatorSchemes parse(String commaSeparated) {
        Set<String> names = new LinkedHashSet<>();
        for (String part : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            if (!part.isBlank()) {
                names.add(part);
            }
        }
        return new LocatorSchemes(names);
    }

    /** Returns the allowed schemes that no installed storage backend serves (a start-up usage error). */
    public Set<String> unserved() {
        Set<String> out = new TreeSet<>(allowed);
        out.removeAll(ObjectStores.providers().keySet());
        return out;
    }

    /**
     * Returns the scheme of {@code locator}, lowercase; {@code file} for a plain path.
     *
     * @throws StorageException when the locator is not a valid location
     */
    public static String schemeOf(String locator) {
        URI uri = ObjectStores.toUri(locator);
        return uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code --locators.allow} value ({@code s3,hf}) and checks that a storage backend serves
     * every scheme; the validator's and the averager's one reading of the flag.
     *
     * @throws io.tensorswarm.common.cli.ExitException (usage, one line) when it is empty or names a
     *     scheme no backend serves
     */
    public static LocatorSchemes parseOption(String value) {
        LocatorSchemes schemes;
        try {
            schemes = parse(value);
        } catch (IllegalArgumentException e) {
            throw new io.tensorswarm.common.cli.ExitException(io.tensorswarm.common.cli.ExitCodes.USAGE,
                    "--locators.allow: " + e.getMessage());
        }
        Set<String> unserved = schemes.unserved();
        if (!unserved.isEmpty()) {
            throw new io.tensorswarm.common.cli.ExitException(io.tensorswarm.common.cli.ExitCodes.USAGE,
                    "--locators.allow: no storage backend for '" + String.join("', '", unserved) + "' (installed: "
                            + String.join(", ", new TreeSet<>(ObjectStores.providers().keySet())) + ")");
        }
        return schemes;
    }

    /** Returns whether {@code scheme} (lowercase) is allowed. */
    public boolean allows(String scheme) {
        return allowed.contains(scheme);
    }

    /**
     * Checks an untrusted locator before anything is opened: it names a scheme, parses as a URI, and
     * its scheme is allowed. Returns its URI; the backend checks the rest when the store is opened.
     *
     * @throws RejectedDeltaException {@code bad locator} or {@code locator not allowed}, with a one-line
     *     detail that does not name the miner
     */
    public URI check(String locator) {
        if (locator == null || locator.isBlank()) {
            throw new RejectedDeltaException("bad locator", "empty locator");
        }
        if (!ObjectStores.hasScheme(locator)) {
            throw new RejectedDeltaException("bad locator", "locator " + shown(locator)
                    + " names no scheme: write file:///absolute/dir, s3://bucket/prefix or hf://owner/repo");
        }
        URI uri;
        try {
            uri = ObjectStores.toUri(locator);
        } catch (StorageException e) {
            throw new RejectedDeltaException("bad locator", e.getMessage());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!allows(scheme)) {
            throw new RejectedDeltaException("locator not allowed", shown(scheme) + ":// locators are not accepted "
                    + "(--locators.allow " + this + ")");
        }
        return uri;
    }

    /** Returns the schemes as the flag takes them: {@code hf,s3}. */
    @Override
    public String toString() {
        return String.join(",", allowed);
    }

    /** Returns an untrusted string for a one-line message: non-printable and non-ASCII characters escaped, at most 120 shown. */
    static String shown(String s) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(s.length(), 120);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > n ? b + "..." : b.toString();
    }
}
