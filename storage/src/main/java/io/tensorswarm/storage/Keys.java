package io.tensorswarm.storage;

import java.util.regex.Pattern;

/**
 * Validates object keys: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment,
 * no backslash or control character, at most 1024 characters. Every backend checks keys with
 * {@link #check(String)} before touching anything, so a hostile key cannot escape its location.
 */
public final class Keys {
    private static final int MAX_LENGTH = 1024;
    private static final Pattern FORBIDDEN = Pattern.compile("[\\x00-\\x1f\\x7f\\\\]");

    private Keys() {}

    /** Returns {@code key} unchanged if it is a safe key; throws {@code INVALID_KEY} otherwise. */
    public static String check(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new StorageException(
                    StorageException.Kind.INVALID_KEY, "invalid key '" + printable(key) + "': " + problem);
        }
        return key;
    }

    /** Returns {@code prefix} if it is empty or a safe key prefix (may end with {@code /}). */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }

    /** Returns whether {@code key} passes {@link #check(String)}. */
    public static boolean isValid(String key) {
        return problem(key) == null;
    }

    /** Joins a (possibly empty) prefix and a key with one {@code /}. */
    public static String join(String prefix, String key) {
        if (prefix == null || prefix.isEmpty()) {
            return key;
        }
        return prefix.endsWith("/") ? prefix + key : prefix + "/" + key;
    }

    private static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "empty";
        }
        if (key.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (FORBIDDEN.matcher(key).find()) {
            return "contains a backslash or control character";
        }
        if (key.startsWith("/")) {
            return "absolute";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "empty path segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "'" + segment + "' segment";
            }
        }
        return null;
    }

    /** Returns {@code key} shortened to 120 characters with control characters replaced, for messages. */
    public static String printable(String key) {
        if (key == null) {
            return "null";
        }
        String s = key.length() > 120 ? key.substring(0, 120) + "..." : key;
        return FORBIDDEN.matcher(s).replaceAll("?");
    }
}
