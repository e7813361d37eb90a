package io.tensorswarm.common;

/**
 * A value read from a file or the network, made safe to put in a one-line log or error message:
 * cut to a length, control and format characters (line breaks, escape sequences, right-to-left
 * overrides) shown as {@code ?}, so a hostile value can neither forge log lines nor reorder the text
 * around it.
 *
 * <pre>{@code
 * "field hotkey is " + LoggedText.quoted(hotkey, 64)   // field hotkey is "hk?"
 * }</pre>
 */
public final class LoggedText {
    private LoggedText() {}

    /** Returns {@code s} cut to {@code maxChars} (then {@code ...}) and cleaned; {@code "null"} for null. */
    public static String plain(String s, int maxChars) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > maxChars ? s.substring(0, maxChars) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> b.appendCodePoint(
                Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c));
        return b.toString();
    }

    /** Returns {@link #plain} in double quotes; {@code null} (unquoted) for null. */
    public static String quoted(String s, int maxChars) {
        return s == null ? "null" : '"' + plain(s, maxChars) + '"';
    }
}
