package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.storage.ObjectStores;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Returns which storage schemes a validator accepts in miners' on-chain locators ({@code
 * --locators.allow}). Locators are untrusted: by default only remote object stores ({@link #REMOTE},
 * {@code s3} and {@code hf}) are accepted, never {@code file}, which would let any miner point the
 * validator at its own disk; a local subnet opts in with {@code --locators.allow file,s3,hf}. A locator
 * without a scheme is a local path, so its scheme is {@code file}.
 *
 * @param allowed lowercase scheme names
 */
public record LocatorSchemes(Set<String> allowed) {
    /** The remote schemes of the storage backends, the default. */
    public static final LocatorSchemes REMOTE = new LocatorSchemes(Set.of("s3", "hf"));

    /** Lowercases and copies the set; it must not be empty. */
    public LocatorSchemes {
        Objects.requireNonNull(allowed, "allowed");
        TreeSet<String> lower = new TreeSet<>();
        for (String s : allowed) {
            String scheme = s.strip().toLowerCase(Locale.ROOT);
            if (scheme.isEmpty()) {
                throw new IllegalArgumentException("empty locator scheme");
            }
            lower.add(scheme);
        }
        if (lower.isEmpty()) {
            throw new IllegalArgumentException("at least one locator scheme must be allowed");
        }
        allowed = java.util.Collections.unmodifiableSet(lower);
    }

    /** Returns the schemes in {@code names}, which may be written {@code s3} or {@code s3://}. */
    public static LocatorSchemes of(Collection<String> names) {
        return new LocatorSchemes(names.stream().map(n -> n.endsWith("://") ? n.substring(0, n.length() - 3) : n)
                .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * Returns the scheme of {@code locator}, lowercase; {@code file} for a plain path.
     *
     * @throws TensorswarmException when the locator is not a valid location
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
            schemes = of(java.util.Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty())
                    .toList());
        } catch (IllegalArgumentException e) {
            throw new io.tensorswarm.common.cli.ExitException(io.tensorswarm.common.cli.ExitCodes.USAGE,
                    "--locators.allow: " + e.getMessage());
        }
        java.util.Set<String> installed = ObjectStores.providers().keySet();
        for (String scheme : schemes.allowed()) {
            if (!installed.contains(scheme)) {
                throw new io.tensorswarm.common.cli.ExitException(io.tensorswarm.common.cli.ExitCodes.USAGE,
                        "--locators.allow: no storage backend for '" + scheme + "' (installed: "
                                + String.join(", ", new java.util.TreeSet<>(installed)) + ")");
            }
        }
        return schemes;
    }

    /** Returns whether {@code scheme} (lowercase) is allowed. */
    public boolean allows(String scheme) {
        return allowed.contains(scheme);
    }

    /** Returns the schemes as the flag takes them: {@code hf,s3}. */
    @Override
    public String toString() {
        return String.join(",", allowed);
    }
}
